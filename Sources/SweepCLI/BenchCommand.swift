import ArgumentParser
import Cluster
import EBMCore
import Foundation

/// `ebm-sweep bench`: the trainer's speed at the four template configurations, against the dgemm
/// rate the same run measures at the same shapes on one thread.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time training iterations at the template defaults and compare with dgemm on one thread.")

    @Option(help: "Measured iterations per method.") var iterations: Int = 20
    @Option(help: "Warm-up iterations per method.") var warmup: Int = 5
    @Option(parsing: .upToNextOption, help: "Methods to time (default all four).") var methods: [Method] = Method.allCases
    @Flag(help: "Time the coordinator instead: no-op jobs over in-process workers on TCP loopback.") var coordinator = false
    @Option(parsing: .upToNextOption, help: "Worker counts for --coordinator.") var workers: [Int] = [1, 4, 16]
    @Option(help: "No-op jobs per measurement for --coordinator.") var jobs: Int = 2000

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more, got \(warmup)") }
    }

    func run() throws {
        BLAS.setSingleThreaded()
        if coordinator { return try benchCoordinator() }
        print("| method | ms / iteration | GFLOP / iteration | achieved GFLOP/s | dgemm GFLOP/s (same shapes) | ratio |")
        print("|---|---:|---:|---:|---:|---:|")
        for method in methods {
            let row = TrainerBenchmark(config: .defaults(for: method), warmupIterations: warmup, measuredIterations: iterations).run()
            print(String(format: "| %@ | %.2f | %.3f | %.1f | %.1f | %.2f |", method.rawValue, row.millisecondsPerIteration,
                         row.flopsPerIteration / 1e9, row.achievedGFLOPS, row.dgemmGFLOPS, row.ratio))
        }
    }

    func benchCoordinator() throws {
        print("| workers | jobs | seconds | jobs / s | coordinator CPU ms / job |")
        print("|---:|---:|---:|---:|---:|")
        for count in workers {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ebm-dispatch-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let m = try DispatchBenchmark.run(workers: count, jobs: jobs, directory: directory)
            print(String(format: "| %d | %d | %.2f | %.0f | %.3f |", m.workers, m.jobs, m.seconds, m.jobsPerSecond,
                         m.coordinatorMillisecondsPerJob))
        }
    }
}
