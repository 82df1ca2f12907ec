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
}
