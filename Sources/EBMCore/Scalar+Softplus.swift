/// The two polynomials of softplus (`Activation+Softplus.swift`), one pair per precision: their
/// degree is what the precision needs, nothing more. Pure arithmetic on lanes (no libm calls, no
/// branches), so softplus vectorises.
extension Double {
    /// eˣ for x ≤ 0 (Cody–Waite): n = round(x/ln2), r = x − n·ln2 (ln2 split in a 32-bit-exact high
    /// part and a low part, so n·ln2_hi is exact), |r| ≤ ln2/2, eʳ by Taylor to degree 13
    /// (truncation r¹⁴/14! < 4e-18 relative), times 2ⁿ built in the exponent bits. x is clamped at
    /// −708, where eˣ ≈ 3e-308 is still a normal number; callers only add it to 1 or scale it by
    /// a bounded factor, so the clamp is invisible. Rounding uses the 1.5·2⁵² shifter (no
    /// `rounded()`, which is a libm call without SSE4.1).
    @inline(__always)
    public static func expNonPositive(_ x: SoftplusLanes) -> SoftplusLanes {
        let floor = SoftplusLanes(repeating: -708)
        let y = select(x, lessThan: floor, floor, else: x)
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
        let bits = unsafeBitCast(t, to: SIMD8<Int64>.self)
        let scale = unsafeBitCast((bits &+ 1023) &<< 52, to: SoftplusLanes.self)
        return p * scale
    }

    /// log(1 + e) for e ∈ [0, 1]: 2·atanh(u), u = e/(2 + e) ∈ [0, 1/3], by 2·Σ_{k<18} u^{2k+1}/(2k+1)
    /// (truncation below (1/9)¹⁸/37 ≈ 4e-19 relative).
    @inline(__always)
    public static func log1pUnit(_ e: SoftplusLanes) -> SoftplusLanes {
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
}

extension Float {
    /// eˣ for x ≤ 0 in float32, the same scheme as Double's with float32's constants: ln2 split
    /// as 0.693359375 (9 bits, so n·ln2_hi is exact for |n| ≤ 2¹⁴) + −2.12194440e-4, eʳ by Taylor
    /// to degree 7 (truncation r⁸/8! < 7.5e-9 relative for |r| ≤ ln2/2, an eighth of an ulp), the
    /// 1.5·2²³ shifter, 2ⁿ in the exponent bits. Clamped at −87, where eˣ ≈ 1.6e-38 is still
    /// normal (float32's smallest normal is 1.2e-38).
    @inline(__always)
    public static func expNonPositive(_ x: SoftplusLanes) -> SoftplusLanes {
        let floor = SoftplusLanes(repeating: -87)
        let y = select(x, lessThan: floor, floor, else: x)
        let shifter = SoftplusLanes(repeating: 12_582_912)  // 1.5·2²³
        let t = y * 1.44269504 + shifter
        let n = t - shifter
        let r = (y - n * 0.693359375) - n * -2.12194440e-4
        let r2 = r * r, r4 = r2 * r2
        let p01 = 1 + r, p23 = 0.5 + r * (1 / 6 as Float), p45 = 1 / 24 + r * (1 / 120 as Float)
        let p67 = 1 / 720 + r * (1 / 5040 as Float)
        let p = (p01 + p23 * r2) + (p45 + p67 * r2) * r4
        // t's low mantissa bits hold n + 2²²; (that + 127) << 23 keeps exactly the biased exponent.
        let bits = unsafeBitCast(t, to: SIMD16<Int32>.self)
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: SoftplusLanes.self)
        return p * scale
    }

    /// log(1 + e) for e ∈ [0, 1] in float32: 2·atanh(u), u = e/(2 + e) ∈ [0, 1/3], by
    /// 2·Σ_{k<7} u^{2k+1}/(2k+1) (truncation below (1/9)⁷/15 ≈ 1.4e-8 relative, a quarter ulp).
    @inline(__always)
    public static func log1pUnit(_ e: SoftplusLanes) -> SoftplusLanes {
        let u = e / (2 + e)
        let w = u * u, w2 = w * w, w4 = w2 * w2
        let e0 = 1 + w * (1 / 3 as Float), e1 = 1 / 5 + w * (1 / 7 as Float), e2 = 1 / 9 + w * (1 / 11 as Float)
        let p = (e0 + e1 * w2) + (e2 + (1 / 13 as Float) * w2) * w4
        return 2 * u * p
    }
}
