import ArgumentParser
import Cluster
import EBMCore
import Foundation
import Sweep

/// `ebm-sweep trace SPEC --out FILE`: the full grid of a spec with its rung evaluations, recorded
/// for `ebm-sweep replay` (how the replay fixtures were made). Resumable: finished jobs are kept
/// in FILE.partial until every job has run.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Run every job of a spec to its end, evaluating at its early_stopping rungs, and write a replay trace.",
        discussion: """
        The spec's early_stopping: section says where to evaluate (min_iterations, reduction_factor, evaluation); its rule is not applied: nothing is stopped. Run it again to resume.
        """)

    @Argument(help: ArgumentHelp("The sweep spec (YAML), with an early_stopping: section.", valueName: "spec.yaml")) var spec: String
    @Option(help: ArgumentHelp("The trace to write (CSV).", valueName: "file")) var out: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Jobs trained at once on this machine.", valueName: "n")) var threads: Int = 2

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1...256, got \(threads)") }
    }

    func run() throws {
        let sweep = try loadSpec(spec)
        guard sweep.earlyStopping?.isActive == true else {
            throw CommandError("\(spec) has no early_stopping: rule; add one to say at which iterations to evaluate")
        }
        BLAS.setSingleThreaded()
        let jobs = Planner.plan(sweep)
        let partial = out + ".partial"
        var done: [String: ReplayTrace.TracedJob] = [:]
        if FileManager.default.fileExists(atPath: partial) {
            let kept = try ReplayTrace.parse(try String(contentsOfFile: partial, encoding: .utf8), file: partial)
            let ids = Set(jobs.map(\.id))
            guard kept.metric == sweep.metric, kept.jobs.allSatisfy({ ids.contains($0.id) }) else {
                throw CommandError("\(partial) holds jobs of another spec; remove it to start over")
            }
            done = Dictionary(kept.jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            // Rewritten in the current columns before rows are appended (a partial from an older build).
            try kept.text.write(toFile: partial, atomically: true, encoding: .utf8)
            say("resuming: \(done.count) of \(jobs.count) jobs already in \(partial)")
        } else {
            try (ReplayTrace(metric: sweep.metric, jobs: []).headerLine + "\n").write(toFile: partial, atomically: true, encoding: .utf8)
        }
        guard let handle = FileHandle(forWritingAtPath: partial) else { throw CommandError("cannot write \(partial)") }
        handle.seekToEndOfFile()
        let counter = Counter(done.count)
        let total = jobs.count
        TraceRecorder.run(spec: sweep, jobs: jobs, threads: threads, done: Set(done.keys)) { job in
            handle.write(Data((ReplayTrace.rows(of: job).joined(separator: "\n") + "\n").utf8))
            let metric = job.finalMetric.map { String(format: "%.4f", $0) } ?? job.status.rawValue
            let rungs = job.rungs.map { String(format: "%d:%.3f", $0.iteration, $0.metric) }.joined(separator: " ")
            say(String(format: "[%d/%d] %@  %@  %.0f s  rungs %@", counter.increment(), total, job.id, metric, job.seconds, rungs))
        }
        try handle.close()

        let all = try ReplayTrace.parse(try String(contentsOfFile: partial, encoding: .utf8), file: partial)
        let byID = Dictionary(all.jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let trace = ReplayTrace(metric: sweep.metric, jobs: jobs.compactMap { byID[$0.id] })
        try trace.text.write(toFile: out, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: partial)
        say("wrote \(out): \(trace.jobs.count) jobs; replay it with ebm-sweep replay \(out)")
    }

    final class Counter: @unchecked Sendable {
        private var value: Int
        init(_ value: Int) { self.value = value }
        /// Called under the recorder's lock.
        func increment() -> Int { value += 1; return value }
    }
}
