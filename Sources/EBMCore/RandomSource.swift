import CSIMD
import Foundation

/// A seeded, platform-independent pseudo-random source: xoshiro256** seeded through SplitMix64.
///
/// Numerical code takes a `RandomSource` `inout`; nothing draws from a global or system RNG, so the
/// same seed gives the same bits on every machine running the same build.
public struct RandomSource: Sendable {
    private var s0, s1, s2, s3: UInt64
    /// The second value of the last Box–Muller pair, kept so every pair is used whole.
    private var spareGaussian: Double?

    /// Seeds the state from one 64-bit value through SplitMix64, as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
        spareGaussian = nil
    }

    /// An independent stream derived from `seed` and a purpose label (for example the evaluation
    /// draw versus the training draw), so adding draws to one stream never shifts another.
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03) &+ stream)
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [a, b).
    @inline(__always)
    public mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * uniform()
    }

    /// Uniform integer in 0..<n (Lemire's unbiased method).
    public mutating func index(below n: Int) -> Int {
        precondition(n > 0, "index(below:) needs a positive bound")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Standard normal draw (Box–Muller; both values of each pair are used). One pair of lanes of
    /// `fillGaussian`'s kernel (`Gaussian.c`), so a draw is the same bits either way.
    @inline(__always)
    public mutating func gaussian() -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        var pair = (uniform(), uniform())
        withUnsafeMutableBytes(of: &pair) { ebm_box_muller(1, $0.baseAddress!.assumingMemoryBound(to: Double.self)) }
        spareGaussian = pair.1
        return pair.0
    }

    /// Fills `buffer` with independent N(0, 1) draws: the values `buffer.count` calls of `gaussian()`
    /// would return, computed in lanes. Allocation-free.
    public mutating func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Double>) {
        guard let p = buffer.baseAddress, !buffer.isEmpty else { return }
        var i = 0
        if let spare = spareGaussian {
            p[0] = spare
            spareGaussian = nil
            i = 1
        }
        let pairs = (buffer.count - i) / 2
        for k in 0..<(2 * pairs) { p[i + k] = uniform() }
        ebm_box_muller(pairs, p + i)
        i += 2 * pairs
        if i < buffer.count { p[i] = gaussian() }
    }
}
