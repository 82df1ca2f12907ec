import Foundation
import Store
import Sweep
import TestSupport

/// Tiny sweeps for the multi-process tests: real trainer, real sockets, seconds per job.
enum SweepFixtures {
    /// 2 configurations × 2 seeds of a tiny ML model; `iterations` sets how long a job takes.
    static func spec(name: String, iterations: Int, lrs: [Double] = [1e-3, 3e-3], seeds: [Int] = [0, 1]) -> String {
        """
        name: \(name)
        method: ml
        dataset: swiss_roll
        fixed:
          data_size: 256
          hidden_layers: 1
          neurons: 16
          batch_size: 64
          iterations: \(iterations)
        grid:
          lr: [\(lrs.map { "\($0)" }.joined(separator: ", "))]
        seeds: [\(seeds.map(String.init).joined(separator: ", "))]
        evaluation:
          samples: 200
          sampler: {init: normal, step_size: 5.0e-4, steps: 20}
        keep_best: 1
        """
    }

    static func write(_ text: String, in harness: ProcessHarness, as name: String) throws -> String {
        let path = harness.directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The sweep's jobs as the store sees them now (nil while the database does not exist yet).
    static func jobs(in directory: String) -> [StoredJob]? {
        let path = (directory as NSString).appendingPathComponent("sweep.sqlite")
        guard FileManager.default.fileExists(atPath: path), let store = try? SweepStore.openReadOnly(at: path) else { return nil }
        return try? store.jobs()
    }

    static func results(in directory: String) throws -> [JobResult] {
        try SweepStore.openReadOnly(at: (directory as NSString).appendingPathComponent("sweep.sqlite")).results()
    }

    static func events(in directory: String) throws -> [StoreEvent] {
        try SweepStore.openReadOnly(at: (directory as NSString).appendingPathComponent("sweep.sqlite")).events()
    }
}
