import Testing
import EBMCore
import TestSupport

@Suite("Allocation-free hot loop")
struct AllocationTests {
    /// Iterations before measuring: lazy one-time work (first shuffle, chain start) happens here.
    static let warmup = 5
    /// Measured iterations.
    static let measured = 60

    /// Allocations made by this thread during each iteration after warm-up. The counter is per
    /// thread and counts every malloc (kept or freed at once); the callback writes into a buffer
    /// made before training, so the measurement itself allocates nothing.
    static func allocationsPerIteration(
        _ trainer: inout Trainer, perIteration: (Double) -> Void = { _ in }
    ) throws -> [Int] {
        let iterations = warmup + measured
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: iterations + 1)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: iterations + 1)
        let run = trainer.train { iteration, loss in
            perIteration(loss)
            counts[iteration] = AllocationCounter.count()
            return true
        }
        try #require(run.status == .ok && run.iterations == iterations)
        return (warmup..<iterations).map { counts[$0 + 1] - counts[$0] }
    }

    @Test("after warm-up, training iterations make no heap allocation, in either precision",
          arguments: Method.allCases, Precision.allCases)
    func trainingDoesNotAllocate(method: Method, precision: Precision) throws {
        var config = Fixtures.smallConfig(method, iterations: Self.warmup + Self.measured)
        config.precision = precision
        var trainer = Trainer(config: config, data: Fixtures.rings(rows: config.dataSize, seed: 5))
        let allocations = try Self.allocationsPerIteration(&trainer)
        #expect(allocations.allSatisfy { $0 == 0 }, "\(method) \(precision): allocations per iteration \(allocations)")
    }

    @Test("with grad_clip engaged, iterations still make no heap allocation", arguments: Precision.allCases)
    func clippedTrainingDoesNotAllocate(precision: Precision) throws {
        var config = Fixtures.smallConfig(.dsm, iterations: Self.warmup + Self.measured)
        config.precision = precision
        config.gradClip = 1e-3  // below the gradient's norm, so every step clips
        var trainer = Trainer(config: config, data: Fixtures.rings(rows: config.dataSize, seed: 5))
        let allocations = try Self.allocationsPerIteration(&trainer)
        #expect(allocations.allSatisfy { $0 == 0 }, "\(precision): allocations per iteration \(allocations)")
    }

    @Test("the same measurement sees one small allocation per iteration")
    func counterSeesPerIterationAllocations() throws {
        let config = Fixtures.smallConfig(.dsm, iterations: Self.warmup + Self.measured)
        var trainer = Trainer(config: config, data: Fixtures.rings(rows: config.dataSize, seed: 5))
        var kept: [[Double]] = []
        kept.reserveCapacity(config.iterations)
        let allocations = try Self.allocationsPerIteration(&trainer) { loss in
            kept.append([loss, loss])  // a 2-element array: one small heap block per iteration
        }
        #expect(allocations.allSatisfy { $0 == 1 }, "allocations per iteration \(allocations)")
        #expect(kept.count == config.iterations)
    }
}
