import EBMCore
import Testing
import TestSupport

/// Training and sampling flush subnormals to zero, and leave the caller's environment as it was
/// (docs/design.md, "Subnormals").
@Suite("Subnormals")
struct SubnormalsTests {
    /// 2⁻⁷⁰ in a global, so the compiler cannot fold the product: its square, 2⁻¹⁴⁰, is a
    /// float32 subnormal (the smallest normal is 2⁻¹²⁶).
    nonisolated(unsafe) static var tiny = Float(sign: .plus, exponent: -70, significand: 1)

    static func square() -> Float { tiny * tiny }

    @Test("inside flushed a subnormal result is zero; outside, and after, it is not")
    func scope() throws {
        #expect(Self.square().isSubnormal)
        let inside = Subnormals.flushed { Self.square() }
        #expect(inside == 0)
        #expect(Self.square().isSubnormal, "the caller's environment is restored")
        struct Thrown: Error {}
        #expect(throws: Thrown.self) { try Subnormals.flushed { throw Thrown() } }
        #expect(Self.square().isSubnormal, "restored when the body throws too")
    }

    @Test("a training run flushes subnormals in its loop and restores the caller's mode after",
          arguments: [Method.ism, .ml])
    func training(method: Method) {
        var trainer = Trainer(config: Fixtures.smallConfig(method, iterations: 3), data: Fixtures.rings(rows: 256, seed: 1))
        var seen: [Float] = []
        let run = trainer.train { _, _ in
            seen.append(Self.square())
            return true
        }
        #expect(run.iterations == 3 && seen == [0, 0, 0])
        #expect(Self.square().isSubnormal)
    }

    @Test("the evaluation sampler flushes subnormals: chains started at subnormal float32 values start at zero")
    func sampling() {
        let trainer = Trainer(config: Fixtures.smallConfig(.dsm, iterations: 1), data: Fixtures.rings(rows: 256, seed: 1))
        #expect(trainer.config.precision == .float32)
        // No steps: the samples are the chains' starts, uniform in ±1e-40, subnormal as float32.
        let still = EvaluationConfig(samples: 16, initDistribution: .uniform, initScale: 1e-40, stepSize: 0, steps: 0)
        let samples = trainer.model.sample(still, seed: 3)
        #expect(samples.storage.allSatisfy { $0 == 0 })
        #expect(Float(1e-40 * 0.5).isSubnormal, "unflushed, the same starts are subnormal")
    }
}
