import CSIMD
import Testing
import EBMCore
import TestSupport

/// Softplus runs AVX-512 lanes where the CPU has them and AVX2 lanes otherwise (`Softplus.c`).
/// Determinism across workers rests on both giving the same bits; this compares them directly.
@Suite("softplus kernel")
struct SoftplusKernelTests {
    /// Inputs over every branch: both signs, the exponent clamp, the threshold 20, NaN and ±∞;
    /// 1000 values, so the buffer ends in a partial group in both precisions.
    static func inputs() -> [Double] {
        var random = RandomSource(seed: 5)
        var zs = (0..<990).map { _ in random.uniform(-30, 30) * (random.uniform(0, 1) < 0.1 ? 40 : 1) }
        zs += [0, -0.0, 20, 20.000001, 19.999999, -87.5, -708.5, .nan, .infinity, -.infinity]
        return zs
    }

    @Test("AVX-512 and AVX2 lanes give the same bits, in both precisions, in place and not",
          .enabled(if: ebm_cpu_vector_bits() >= 512, "this CPU has no AVX-512"))
    func lanesAgree() {
        let zs = Self.inputs()
        func run<T: BinaryFloatingPoint>(_ bits: Int32, _ z: [T], _ kernel: (Int32, Int, UnsafePointer<T>, UnsafeMutablePointer<T>,
                                                                    UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void) -> [[T]] {
            var a = [T](repeating: 0, count: z.count), d1 = a, d2 = a, inPlace = z
            kernel(bits, z.count, z, &a, &d1, &d2)
            inPlace.withUnsafeMutableBufferPointer { p in
                var e1 = [T](repeating: 0, count: z.count), e2 = e1
                kernel(bits, z.count, p.baseAddress!, p.baseAddress!, &e1, &e2)
            }
            return [a, d1, d2, inPlace]
        }
        let f = zs.map { Float($0) }
        let f512 = run(512, f) { ebm_softplus_f32_isa($0, $1, $2, $3, $4, $5) }
        let f256 = run(256, f) { ebm_softplus_f32_isa($0, $1, $2, $3, $4, $5) }
        #expect(f512.map { $0.map(\.bitPattern) } == f256.map { $0.map(\.bitPattern) })
        let d512 = run(512, zs) { ebm_softplus_f64_isa($0, $1, $2, $3, $4, $5) }
        let d256 = run(256, zs) { ebm_softplus_f64_isa($0, $1, $2, $3, $4, $5) }
        #expect(d512.map { $0.map(\.bitPattern) } == d256.map { $0.map(\.bitPattern) })
        // The comparison means something only if the kernels computed: finite, positive values.
        #expect(f512[0].prefix(990).allSatisfy { $0.isFinite && $0 >= 0 } && d512[1].prefix(990).allSatisfy { $0 > 0 && $0 <= 1 })
    }
}
