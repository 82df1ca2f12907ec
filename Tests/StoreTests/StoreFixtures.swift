import Foundation
import EBMCore
import Sweep
@testable import Store

/// A fresh directory under the system temp dir, removed when the test's `body` returns.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("store-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try body(directory)
}

/// `count` jobs of one small ML configuration, seeds 0..<count, ids like the planner's.
func makeJobs(_ count: Int, configID: String = "c0ffee") -> [Job] {
    (0..<count).map { seed in
        var config = TrainingConfig.defaults(for: .ml)
        config.seed = UInt64(seed)
        config.lr = 1e-3 * Double(seed + 1) / 3  // not a short decimal: exercises exact JSON doubles
        return Job(id: "\(configID)-s\(seed)", configID: configID, seed: UInt64(seed), config: config)
    }
}

/// A result whose every field is distinguishable, with awkward doubles.
func makeResult(jobID: String, attempt: Int = 1, status: RunStatus = .ok, checkpointBytes: Int = 64,
                worker: String = "w1") -> JobResult {
    JobResult(
        jobID: jobID, attempt: attempt, status: status,
        metrics: ["kde_nll": 0.1 + 0.2, "nll": .nan, "mmd": .infinity, "swd": -.infinity,
                  "precision": .leastNonzeroMagnitude, "recall": -0.0],
        error: status == .ok ? nil : "loss became NaN at iteration 17",
        worker: worker, seconds: 12.345678901234567, secondsPerIteration: 1.0 / 3.0,
        lossHistory: [1.0 / 3.0, -2.5e-300, .greatestFiniteMagnitude, .nan, .infinity],
        samples: Matrix([[0.1, -0.2], [Double.pi, -Double.ulpOfOne], [1e300, -1e-300]]),
        checkpoint: (0..<checkpointBytes).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
}

/// Creates a store of `jobs` at `<directory>/sweep.sqlite`.
func makeStore(in directory: String, jobs: [Job]) throws -> SweepStore {
    try SweepStore.create(at: directory + "/sweep.sqlite", name: "ml_swiss", specText: "name: ml_swiss\n",
                          specHash: "hash-1", specPath: "sweeps/ml_swiss.yaml", jobs: jobs)
}

/// Runs `/bin/sh -c script` and waits for it; returns how it ended and its stdout.
@discardableResult
func runShell(_ script: String) throws -> (status: Int32, reason: Process.TerminationReason, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, process.terminationReason, String(decoding: data, as: UTF8.self))
}

/// Bit-exact equality of two double arrays (NaN equals NaN of the same bits; -0 differs from 0).
func bitsEqual(_ a: [Double], _ b: [Double]) -> Bool {
    a.map(\.bitPattern) == b.map(\.bitPattern)
}

/// The StoreError `body` throws, or nil if it returns: lets tests assert on the typed code.
func storeError(_ body: () throws(StoreError) -> Void) -> StoreError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}
