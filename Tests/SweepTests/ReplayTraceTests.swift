import Testing
@testable import Sweep

@Suite("Replay traces")
struct ReplayTraceTests {
    let header = "job,config,seed,iterations,seconds,status,kind,iteration,kde_nll,escaped"
    let a = "a-s0,a,0,900,90,ok,rung,100,2.5,0\na-s0,a,0,900,90,ok,final,900,2.0,"

    func refused(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ReplayTraceError? {
        do {
            _ = try ReplayTrace.parse(text, file: "t.csv")
            Issue.record("the trace was accepted", sourceLocation: sourceLocation)
            return nil
        } catch { return error }
    }

    @Test("a trace reads back: comments and CRLF allowed, the metric named by the header")
    func reads() throws {
        let t = try ReplayTrace.parse("# made by hand\r\n\(header)\r\n\(a)\n\nb-s0,b,0,900,5,diverged,final,40,,\n", file: "t.csv")
        #expect(t.metric == .kdeNLL && t.jobs.map(\.id) == ["a-s0", "b-s0"])
        #expect(t.jobs[0].rungs == [.init(iteration: 100, metric: 2.5, escaped: 0)] && t.jobs[0].finalMetric == 2.0)
        #expect(t.jobs[1].status == .diverged && t.jobs[1].finalIteration == 40 && t.jobs[1].finalMetric == nil)
        let p = try ReplayTrace.parse(header.replacingOccurrences(of: "kde_nll", with: "precision") + "\n" + a, file: "t.csv")
        #expect(p.metric == .precision)
    }

    @Test("mistakes name the file, line and column", arguments: [
        ("job,config\n", 1, "", "the header must be"),
        ("job,config,seed,iterations,seconds,status,kind,iteration,kde_nl,escaped\n", 1, "kde_nl", "not a ranking metric"),
        ("H\na-s0,a,0,900,-1,ok,final,900,2.0,\n", 2, "seconds", "must be a number in 1e-09...1000000000"),
        ("H\na-s0,a,0,900,90,ok,final,900,2.0\n", 2, "", "has 9 fields, expected 10"),
        ("H\na-s0,a,0,900,90,ok,rung,100,2.5,0\nb-s0,b,0,900,90,ok,final,900,2,\n", 2, "kind", "job a-s0 has no final row"),
        ("H\nA\nb-s0,b,0,900,90,ok,final,900,2,\na-s0,a,0,900,90,ok,final,900,2,\n", 5, "job", "must be contiguous (it began at line 2)"),
        ("H\na-s0,a,0,900,90,ok,rung,900,2.5,0\n", 2, "iteration", "a rung must be below iterations (900)"),
        ("H\na-s0,a,0,900,90,ok,final,800,2.0,\n", 2, "iteration", "trained all 900 iterations"),
        ("H\na-s0,a,0,900,90,ok,final,900,,\n", 2, "kde_nll", "must be a number"),
        ("H\na-s0,a,0,900,90,diverged,final,50,3.0,\n", 2, "kde_nll", "must be empty"),
        ("H\nA\na-s0,a,0,900,90,ok,final,900,2.0,\n", 4, "kind", "a row after its final row"),
        ("H\na-s0,a,0,900,90,ok,rung,300,2.5,0\na-s0,a,0,900,90,ok,rung,100,2.5,0\n", 3, "iteration", "rungs must ascend"),
        ("H\na-s0,a,0,900,90,ok,rung,100,2.5,0\na-s0,b,0,900,90,ok,final,900,2,\n", 3, "config", "differs from the job's first row (line 2)"),
        ("H\na s0,a,0,900,90,ok,final,900,2,\n", 2, "job", "letters, digits"),
        ("H\na-s0,a,0,900,90,ok,rung,100,2.5,1.5\n", 2, "escaped", "must be a number in 0.0...1.0"),
        ("H\na-s0,a,0,900,90,cancelled,final,900,,\n", 2, "status", "ok, diverged or failed"),
        ("H\na-s0,a,0,900,90,ok,rung,100,1e308,0\n", 2, "kde_nll", "must be in -1e300...1e300 or non-finite"),
        ("H\nA\na-s9,a,0,900,90,ok,final,900,2.0,\n", 4, "seed", "job a-s9 repeats seed 0 of configuration a (job a-s0, line 2)"),
        ("H\n", 1, "", "holds no job"),
        ("", 1, "", "is empty"),
    ])
    func mistakes(text: String, line: Int, column: String, message: String) {
        let t = text.replacingOccurrences(of: "H\n", with: header + "\n").replacingOccurrences(of: "A\n", with: a + "\n")
        guard let e = refused(t) else { return }
        #expect(e.file == "t.csv" && e.line == line && e.column == column && e.message.contains(message), "\(e)")
    }

    @Test("the elapsed column: each rung's recorded time, written back as read, checked against the job's seconds")
    func elapsed() throws {
        let h = header + ",elapsed"
        let text = "\(h)\na-s0,a,0,900,90,ok,rung,100,2.5,0,31\na-s0,a,0,900,90,ok,rung,300,2.4,0,40\na-s0,a,0,900,90,ok,final,900,2,,90\n"
        let t = try ReplayTrace.parse(text, file: "t.csv")
        #expect(t.jobs[0].rungs.map(\.elapsed) == [31, 40] && t.jobs[0].seconds(atRung: 1) == 40)
        #expect(try ReplayTrace.parse(t.text, file: "again.csv") == t && t.text.hasPrefix(h + "\n"))
        // Without the column a rung's time is its share of the iterations.
        #expect(try ReplayTrace.parse("\(header)\n\(a)\n", file: "t.csv").jobs[0].seconds(atRung: 0) == 10)
        let late = refused("\(h)\na-s0,a,0,900,90,ok,rung,100,2.5,0,95\n")
        #expect(late?.column == "elapsed" && late?.message.contains("in 0.0...90.0") == true, "\(String(describing: late))")
        let falling = refused("\(h)\na-s0,a,0,900,90,ok,rung,100,2.5,0,31\na-s0,a,0,900,90,ok,rung,300,2.4,0,30\n")
        #expect(falling?.line == 3 && falling?.column == "elapsed" && falling?.message.contains("must not fall") == true)
        #expect(refused("\(h)\n\(a)\n")?.message.contains("has 10 fields, expected 11") == true)
        // Falling past a rung without a time; a final row's time other than the job's seconds.
        let gap = refused("\(h)\na-s0,a,0,900,90,ok,rung,100,2.5,0,31\na-s0,a,0,900,90,ok,rung,300,2.4,0,\na-s0,a,0,900,90,ok,rung,800,2.4,0,30\n")
        #expect(gap?.line == 4 && gap?.message.contains("must not fall") == true, "\(String(describing: gap))")
        let final = refused("\(h)\na-s0,a,0,900,90,ok,final,900,2,,99999\n")
        #expect(final?.column == "elapsed" && final?.message.contains("the job's seconds (90.0) or empty") == true, "\(String(describing: final))")
    }

    @Test("an oversized trace is refused before it is read")
    func oversized() {
        let e = refused(String(repeating: "#", count: ReplayTrace.maxBytes + 1))
        #expect(e?.message.contains("larger than 16 MiB") == true)
    }
}
