/// Softplus and its derivatives from ONE exponential per element, a lane group at a time.
///
/// With e = exp(−|z|) ∈ (0, 1]:  softplus(z) = max(z, 0) + log1p(e),  σ(z) = 1/(1+e) for z ≥ 0 and
/// e/(1+e) otherwise,  σ′ = σ(1 − σ). Above PyTorch's threshold 20 softplus is z, σ = 1, σ′ = 0.
///
/// Why not libm: glibc's exp and log1p are scalar calls, and on the score models (H = 512) they were
/// 15–20 ms of every iteration. Here both are pure arithmetic on `SoftplusLanes` (no calls, no
/// branches, only selects), so the whole kernel vectorises; the scalar forms (`value`,
/// `derivative`) run the same lanes, so batch and scalar results agree bit for bit.
/// Accuracy against libm is tested (`softplusAccuracy`): a few ulps.
extension ActivationKind {
    /// Eight lanes here, not the usual four (`Lanes`): each group is one long dependent chain
    /// (polynomials, two divisions), and two AVX registers per group give the CPU two chains to
    /// overlap (5.0 vs 6.1 ns per element measured; a manual 2× unroll of SIMD4 did not help).
    typealias SoftplusLanes = SIMD8<Double>
    typealias SoftplusLaneBits = SIMD8<Int64>

    /// eˣ for x ≤ 0 (Cody–Waite): n = round(x/ln2), r = x − n·ln2 (ln2 split in a 32-bit-exact high
    /// part and a low part, so n·ln2_hi is exact), |r| ≤ ln2/2, eʳ by Taylor to degree 13
    /// (truncation r¹⁴/14! < 4e-18 relative), times 2ⁿ built in the exponent bits. x is clamped at
    /// −708, where eˣ ≈ 3e-308 is still a normal number; callers only add it to 1 or scale it by
    /// a bounded factor, so the clamp is invisible. Rounding uses the 1.5·2⁵² shifter (no
    /// `rounded()`, which is a libm call without SSE4.1).
    @inline(__always)
    static func expNonPositive(_ x: SoftplusLanes) -> SoftplusLanes {
        let floor = SoftplusLanes(repeating: -708)
        let y = x.replacing(with: floor, where: x .< floor)
        let shifter = SoftplusLanes(repeating: 6_755_399_441_055_744.0)  // 1.5·2⁵²
        let t = y * 1.4426950408889634 + shifter
        let n = t - shifter
        let r = (y - n * 0.6931471803691238) - n * 1.9082149292705877e-10
        // Estrin's scheme: the Horner chain's 14 dependent multiply-adds were latency-bound.
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let p01 = 1 + r, p23 = 0.5 + r * (1.0 / 6), p45 = 1.0 / 24 + r * (1.0 / 120)
        let p67 = 1.0 / 720 + r * (1.0 / 5040), p89 = 1.0 / 40_320 + r * (1.0 / 362_880)
        let p1011 = 1.0 / 3_628_800 + r * (1.0 / 39_916_800), p1213 = 1.0 / 479_001_600 + r * (1.0 / 6_227_020_800)
        let q0 = p01 + p23 * r2, q1 = p45 + p67 * r2, q2 = p89 + p1011 * r2
        let s0 = q0 + q1 * r4, s1 = q2 + p1213 * r4
        let p = s0 + s1 * r8
        // t's low mantissa bits hold n + 2⁵¹; (that + 1023) << 52 keeps exactly the biased exponent.
        let bits = unsafeBitCast(t, to: SoftplusLaneBits.self)
        let scale = unsafeBitCast((bits &+ 1023) &<< 52, to: SoftplusLanes.self)
        return p * scale
    }

    /// log(1 + e) for e ∈ [0, 1]: 2·atanh(u), u = e/(2 + e) ∈ [0, 1/3], by 2·Σ_{k<18} u^{2k+1}/(2k+1)
    /// (truncation below (1/9)¹⁸/37 ≈ 4e-19 relative).
    @inline(__always)
    static func log1pUnit(_ e: SoftplusLanes) -> SoftplusLanes {
        let u = e / (2 + e)
        // Estrin's scheme in w = u² over the 18 coefficients 1/(2k+1).
        let w = u * u, w2 = w * w, w4 = w2 * w2, w8 = w4 * w4, w16 = w8 * w8
        let e0 = 1 + w * (1.0 / 3), e1 = 1.0 / 5 + w * (1.0 / 7), e2 = 1.0 / 9 + w * (1.0 / 11)
        let e3 = 1.0 / 13 + w * (1.0 / 15), e4 = 1.0 / 17 + w * (1.0 / 19), e5 = 1.0 / 21 + w * (1.0 / 23)
        let e6 = 1.0 / 25 + w * (1.0 / 27), e7 = 1.0 / 29 + w * (1.0 / 31), e8 = 1.0 / 33 + w * (1.0 / 35)
        let f0 = e0 + e1 * w2, f1 = e2 + e3 * w2, f2 = e4 + e5 * w2, f3 = e6 + e7 * w2
        let g0 = f0 + f1 * w4, g1 = f2 + f3 * w4
        let p = (g0 + g1 * w8) + e8 * w16
        return 2 * u * p
    }

    /// softplus(z) and σ(z) on every lane (see the file's doc for the formulas and threshold).
    @inline(__always)
    static func softplusLanes(_ z: SoftplusLanes) -> (value: SoftplusLanes, sigma: SoftplusLanes) {
        let zero = SoftplusLanes(repeating: 0), one = SoftplusLanes(repeating: 1)
        let negative = z .< zero
        let minusAbs = z.replacing(with: -z, where: .!negative)
        let e = expNonPositive(minusAbs)
        let inv = 1 / (1 + e)
        let sigma = inv.replacing(with: e * inv, where: negative)
        let soft = z.replacing(with: zero, where: negative) + log1pUnit(e)
        let above = z .> SoftplusLanes(repeating: softplusThreshold)
        return (soft.replacing(with: z, where: above), sigma.replacing(with: one, where: above))
    }

    /// Scalar softplus through the lane kernel (bit-identical to the batch form).
    @inline(__always)
    static func softplusScalar(_ z: Double) -> (value: Double, sigma: Double) {
        let r = softplusLanes(SoftplusLanes(repeating: z))
        return (r.value[0], r.sigma[0])
    }

    /// a = softplus(z + bias), d1 = σ, d2 = σ(1 − σ) (each optional derivative only when given),
    /// over `rows` rows of `columns` values; when `bias` is given, z is updated in place to z + bias
    /// first (the GEMM wrote z without it), so the tape still holds the pre-activation.
    @inline(__always)
    static func softplusRows(
        rows: Int, columns: Int, z: UnsafeMutablePointer<Double>, bias: UnsafePointer<Double>?,
        a: UnsafeMutablePointer<Double>, d1: UnsafeMutablePointer<Double>?, d2: UnsafeMutablePointer<Double>?
    ) {
        let width = SoftplusLanes.scalarCount
        let full = columns / width * width
        let tail = columns - full
        for r in 0..<rows {
            let zr = z + r * columns, ar = a + r * columns
            var j = 0
            while j < full {
                var v = UnsafeRawPointer(zr + j).loadUnaligned(as: SoftplusLanes.self)
                if let bias { v += UnsafeRawPointer(bias + j).loadUnaligned(as: SoftplusLanes.self) }
                let (value, sigma) = softplusLanes(v)
                if bias != nil { UnsafeMutableRawPointer(zr + j).storeBytes(of: v, as: SoftplusLanes.self) }
                UnsafeMutableRawPointer(ar + j).storeBytes(of: value, as: SoftplusLanes.self)
                if let d1 { UnsafeMutableRawPointer(d1 + r * columns + j).storeBytes(of: sigma, as: SoftplusLanes.self) }
                if let d2 { UnsafeMutableRawPointer(d2 + r * columns + j).storeBytes(of: sigma * (1 - sigma), as: SoftplusLanes.self) }
                j += width
            }
            if tail > 0 {
                var v = SoftplusLanes(repeating: 0)
                for k in 0..<tail { v[k] = zr[full + k] + (bias.map { $0[full + k] } ?? 0) }
                let (value, sigma) = softplusLanes(v)
                let slope = sigma * (1 - sigma)
                for k in 0..<tail {
                    if bias != nil { zr[full + k] = v[k] }
                    ar[full + k] = value[k]
                    d1?[r * columns + full + k] = sigma[k]
                    d2?[r * columns + full + k] = slope[k]
                }
            }
        }
    }
}
