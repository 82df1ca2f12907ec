import EBMCore
import Foundation
import Testing
import TestSupport

/// `ResourceEstimate` is what plan, run and train refuse configurations by, so it must track
/// what a run really takes: measured as the peak resident memory of `ebm-sweep train`.
@Suite("Resource estimate", .serialized)
struct ResourceEstimateTests {
    /// Peak RSS in bytes of `ebm-sweep train` with `flags`, by GNU time.
    func peakMemory(_ flags: [String], harness: ProcessHarness) throws -> Int {
        let sweep = try ProcessHarness.productsDirectory().appendingPathComponent("ebm-sweep").path
        let out = harness.directory.appendingPathComponent("run-\(UUID().uuidString.prefix(6))").path
        let child = try harness.startExecutable(URL(fileURLWithPath: "/usr/bin/time"),
                                                ["-f", "maxrss %M", sweep, "train", "--quiet", "--out", out] + flags, name: "train")
        let status = child.waitForExit(timeout: 300)
        try #require(status == 0, "\(child.output)")
        let line = try #require(child.output.split(separator: "\n").last { $0.hasPrefix("maxrss ") })
        return try #require(Int(line.dropFirst("maxrss ".count))) * 1024
    }

    func config(neurons: Int, batch: Int) throws -> TrainingConfig {
        var config = TrainingConfig.defaults(for: .ml)
        try config.set("neurons", to: .int(neurons))
        try config.set("batch_size", to: .int(batch))
        try config.set("data_size", to: .int(batch))
        try config.set("hidden_layers", to: .int(2))
        try config.set("iterations", to: .int(1))
        try config.set("langevin_steps", to: .int(1))
        // The estimate counts 8 bytes a value, what a float64 run allocates (float32 takes half).
        try config.set("precision", to: .string("float64"))
        return config
    }

    func flags(neurons: Int, batch: Int) -> [String] {
        ["--neurons", "\(neurons)", "--batch-size", "\(batch)", "--data-size", "\(batch)", "--hidden-layers", "2",
         "--iterations", "1", "--langevin-steps", "1", "--eval-samples", "100", "--eval-steps", "1", "--precision", "float64"]
    }

    @Test("the memory estimate of a tape-heavy run is an upper bound within 30 % of the measured growth",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "needs GNU time"))
    func estimateTracksMeasurement() throws {
        let harness = try ProcessHarness(label: "rss")
        // A tiny run measures what every run has (runtime, libraries, figures); the large one adds
        // a 32768-row tape of about 240 MB.
        let small = (neurons: 8, batch: 64), large = (neurons: 64, batch: 16384)
        let measured = try peakMemory(flags(neurons: large.neurons, batch: large.batch), harness: harness)
            - peakMemory(flags(neurons: small.neurons, batch: small.batch), harness: harness)
        let estimated = ResourceEstimate(config: try config(neurons: large.neurons, batch: large.batch)).memoryBytes
            - ResourceEstimate(config: try config(neurons: small.neurons, batch: small.batch)).memoryBytes
        print("measured growth \(ResourceEstimate.bytes(measured)), estimated \(ResourceEstimate.bytes(estimated))")
        // 16 MiB: allocator and page granularity between two processes.
        #expect(measured <= estimated + 16 << 20)
        #expect(Double(measured) >= 0.7 * Double(estimated))
    }
}
