import ArgumentParser
import Cluster
import EBMCore
import Foundation

/// `ebm-sweep bench`: the trainer's speed at the four template configurations in each precision,
/// against the sgemm or dgemm rate the same run measures at the same shapes on one thread.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time training iterations at the template defaults and compare with sgemm/dgemm on one thread.")

    @Option(parsing: .unconditional, help: ArgumentHelp("Measured iterations per method.", valueName: "n")) var iterations: Int = 20
    @Option(parsing: .unconditional, help: ArgumentHelp("Warm-up iterations per method.", valueName: "n")) var warmup: Int = 5
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Methods to time (default all four).", valueName: "method")) var methods: [Method] = Method.allCases
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Precisions to time, each method in each (default float32 float64).", valueName: "precision"))
    var precisions: [Precision] = Precision.allCases
    @Flag(help: "Time the coordinator instead: no-op jobs over in-process workers on TCP loopback.") var coordinator = false
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Worker counts for --coordinator.", valueName: "n")) var workers: [Int] = [1, 4, 16]
    @Option(parsing: .unconditional, help: ArgumentHelp("No-op jobs per measurement for --coordinator.", valueName: "n")) var jobs: Int = 2000

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more, got \(warmup)") }
    }

    func run() throws {
        BLAS.setSingleThreaded()
        if coordinator { return try benchCoordinator() }
        print("CPU: \(Self.cpuName()), vector width \(Hardware.vectorWidth) bits; OpenBLAS kernels: \(Hardware.blasKernel); one thread")
        print("| method | precision | ms / iteration | GFLOP / iteration | achieved GFLOP/s | gemm GFLOP/s (same shapes, same precision) | ratio |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for method in methods {
            for precision in precisions {
                var config = TrainingConfig.defaults(for: method)
                config.precision = precision
                let row = TrainerBenchmark(config: config, warmupIterations: warmup, measuredIterations: iterations).run()
                print(String(format: "| %@ | %@ | %.2f | %.3f | %.1f | %.1f (%@) | %.2f |", method.rawValue, precision.rawValue,
                             row.millisecondsPerIteration, row.flopsPerIteration / 1e9, row.achievedGFLOPS, row.gemmGFLOPS,
                             precision == .float32 ? "sgemm" : "dgemm", row.ratio))
            }
        }
    }

    /// The CPU's model name from /proc/cpuinfo (Linux), or the architecture.
    static func cpuName() -> String {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) }
            ?? ProcessInfo.processInfo.operatingSystemVersionString
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
