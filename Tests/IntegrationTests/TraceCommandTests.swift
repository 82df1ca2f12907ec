import Foundation
import Sweep
import Testing
import TestSupport

/// `ebm-sweep trace` and `replay` as a user runs them: the real binary, the trace it leaves, and
/// what a replay of a shipped trace prints.
@Suite("trace and replay commands")
struct TraceCommandTests {
    static let yaml = """
        name: tiny
        method: ml
        fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 200}
        seeds: [0, 1]
        evaluation: {samples: 10, sampler: {init: normal, step_size: 5.0e-4, steps: 2}}
        early_stopping: {type: asha, min_iterations: 100, reduction_factor: 3, evaluation: {samples: 10, steps: 2}}
        """

    @Test("a trace records each rung's time, and resumes a partial trace an older build left without that column")
    func resumesALegacyPartial() throws {
        let harness = try ProcessHarness(label: "trace")
        let spec = harness.directory.appendingPathComponent("tiny.yaml").path
        try Self.yaml.write(toFile: spec, atomically: true, encoding: .utf8)
        let jobs = Planner.plan(try SweepSpec.parse(yaml: Self.yaml, file: "tiny.yaml"))
        let out = harness.directory.appendingPathComponent("tiny.trace.csv").path
        let first = jobs[0]
        // What an older build wrote after finishing the first job: ten columns.
        try """
            job,config,seed,iterations,seconds,status,kind,iteration,kde_nll,escaped
            \(first.id),\(first.configID),0,200,1.5,ok,rung,100,3.0,0.0
            \(first.id),\(first.configID),0,200,1.5,ok,final,200,2.9,

            """.write(toFile: out + ".partial", atomically: true, encoding: .utf8)
        let (status, output) = try harness.run("ebm-sweep", ["trace", spec, "--out", out, "--threads", "1"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("resuming: 1 of 2 jobs"), "\(output)")
        let trace = try ReplayTrace.parse(try String(contentsOfFile: out, encoding: .utf8), file: out)
        #expect(trace.jobs.map(\.id) == jobs.map(\.id))
        #expect(trace.jobs[0].rungs.first?.elapsed == nil && trace.jobs[0].seconds == 1.5, "kept as it was")
        let traced = try #require(trace.jobs[1].rungs.first?.elapsed)
        #expect(traced > 0 && traced <= trace.jobs[1].seconds)
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
    }

    @Test("replay prints each rule's row and, below them, what each rung of the trace knows")
    func replayPrintsRungAgreement() throws {
        let harness = try ProcessHarness(label: "replay")
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SweepTests/Fixtures/replay/nce_gaussians_grid.trace.csv").path
        let (status, output) = try harness.run("ebm-sweep", ["replay", fixture, "--early-stopping", "asha"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("| asha | 2 |"), "\(output)")
        #expect(output.contains("how well each rung predicts the final ranking"), "\(output)")
        #expect(output.contains("| 100 | 27 | -0.06 | 16 |") && output.contains("| 900 | 27 | 0.98 | 1 |"), "\(output)")
    }

    /// A hostile trace: one job evaluated at each of 5000 iterations. The per-rung table keeps to
    /// the rules' rungs (1, 3, 9, …, 6561 from the first recorded one; none past 5000 has values), not one row per iteration.
    @Test("replay's per-rung table has a row per rule rung, not per iteration a trace records")
    func replayBoundsItsTable() throws {
        let harness = try ProcessHarness(label: "replay-rows")
        let path = harness.directory.appendingPathComponent("many.trace.csv").path
        var text = "job,config,seed,iterations,seconds,status,kind,iteration,kde_nll,escaped\n"
        for i in 1...5000 { text += "a-s0,a,0,10000,90,ok,rung,\(i),2.5,0\n" }
        text += "a-s0,a,0,10000,90,ok,final,10000,2.0,\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (status, output) = try harness.run("ebm-sweep", ["replay", path, "--early-stopping", "none"])
        #expect(status == 0, "\(output)")
        let table = try #require(output.components(separatedBy: "how well each rung predicts").last)
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| rung") }
        #expect(rows.count == 9, "\(rows.prefix(12))")
        #expect(output.contains("| 2187 | 1 |") && output.contains("| 6561 | 0 |"), "\(output.suffix(600))")
    }
}
