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
}
