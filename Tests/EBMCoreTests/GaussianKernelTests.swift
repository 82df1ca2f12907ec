import CSIMD
import Foundation
import Testing
import EBMCore

/// The Langevin noise comes from a Box–Muller kernel in lanes (`Gaussian.c`) instead of libm's
/// log, sin and cos. These check that it is the same transform, to a few ulps, on every
/// quadrant and at the ends of the uniforms' range, that both lane widths give the same bits,
/// and that drawing in bulk gives exactly the scalar draws.
@Suite("Gaussian kernel")
struct GaussianKernelTests {
    /// Uniform pairs (u₁, u₂): random ones, then the edges: u₁ = 0 (r = 0) and 1 − 2⁻⁵³ (the largest r),
    /// u₂ at and next to every eighth of a turn, where the quadrant reduction switches.
    static func uniformPairs() -> [(Double, Double)] {
        var random = RandomSource(seed: 9)
        var pairs = (0..<2000).map { _ in (random.uniform(), random.uniform()) }
        let ulp = 0x1.0p-53
        for k in 0..<8 {
            let u2 = Double(k) / 8
            pairs += [(0.3, u2), (0.7, max(0, u2 - ulp)), (0.5, u2 + ulp)]
        }
        pairs += [(0, 0.1), (1 - ulp, 0.6), (1 - ulp, 1 - ulp), (ulp, 0.9)]
        return pairs
    }

    static func transform(_ pairs: [(Double, Double)], bits: Int32) -> [Double] {
        var values = pairs.flatMap { [$0.0, $0.1] }
        values.withUnsafeMutableBufferPointer { ebm_box_muller_isa(bits, $0.count / 2, $0.baseAddress!) }
        return values
    }

    /// libm's side rounds θ = 2π·u₂ first (up to half an ulp of 2π, 4.4e-16, times r), where the
    /// kernel reduces 4·u₂ exactly; so the two differ by that plus each one's few ulps.
    @Test("r·cos θ and r·sin θ agree with libm's to a few ulps of r")
    func matchesLibm() {
        let pairs = Self.uniformPairs()
        let values = Self.transform(pairs, bits: ebm_cpu_vector_bits())
        for (k, (u1, u2)) in pairs.enumerated() {
            let r = (-2 * Foundation.log(1 - u1)).squareRoot(), theta = 2 * Double.pi * u2
            let tolerance = 8 * r.ulp + 1e-300
            #expect(abs(values[2 * k] - r * Foundation.cos(theta)) <= tolerance, "cos at u = (\(u1), \(u2))")
            #expect(abs(values[2 * k + 1] - r * Foundation.sin(theta)) <= tolerance, "sin at u = (\(u1), \(u2))")
        }
    }

    @Test("AVX-512 and AVX2 lanes give the same bits",
          .enabled(if: ebm_cpu_vector_bits() >= 512, "this CPU has no AVX-512"))
    func lanesAgree() {
        let pairs = Self.uniformPairs()
        #expect(Self.transform(pairs, bits: 512).map(\.bitPattern) == Self.transform(pairs, bits: 256).map(\.bitPattern))
    }

    @Test("fillGaussian gives the draws gaussian() would, for even and odd counts, with a spare pending",
          arguments: [1, 2, 7, 16, 33])
    func bulkEqualsScalar(count: Int) {
        var bulk = RandomSource(seed: 4), scalar = RandomSource(seed: 4)
        _ = bulk.gaussian(); _ = scalar.gaussian()  // leaves a spare in both
        var buffer = [Double](repeating: .nan, count: count)
        for _ in 0..<2 {
            buffer.withUnsafeMutableBufferPointer { bulk.fillGaussian($0) }
            let expected = (0..<count).map { _ in scalar.gaussian() }
            #expect(buffer.map(\.bitPattern) == expected.map(\.bitPattern))
        }
    }

    @Test("a million draws have mean 0, variance 1 and kurtosis 3 within their standard errors × 4")
    func moments() {
        var random = RandomSource(seed: 12)
        var buffer = [Double](repeating: 0, count: 1_000_000)
        buffer.withUnsafeMutableBufferPointer { random.fillGaussian($0) }
        let n = Double(buffer.count)
        let mean = buffer.reduce(0, +) / n
        let variance = buffer.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let fourth = buffer.reduce(0) { $0 + pow($1 - mean, 4) } / n
        #expect(abs(mean) < 4 / n.squareRoot())
        #expect(abs(variance - 1) < 4 * (2 / n).squareRoot())
        #expect(abs(fourth - 3) < 4 * (96 / n).squareRoot())
    }
}
