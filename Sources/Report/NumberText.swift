/// Deterministic number-to-text conversion for every output format of the module.
///
/// SVG coordinates use a fixed number of decimals so that identical inputs give identical bytes
/// on every platform (no locale, no `printf` rounding differences); tables use significant digits.
public enum NumberText {
    /// A length of time as people say it: "42 s", "9 min 41 s", "2 h 5 min" (whole seconds;
    /// a negative or non-finite length is "0 s").
    public static func duration(_ seconds: Double) -> String {
        let s = seconds.isFinite && seconds > 0 ? Int(min(seconds, 1e15).rounded()) : 0
        if s >= 3600 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        if s >= 60 { return "\(s / 60) min \(s % 60) s" }
        return "\(s) s"
    }

    /// `v` rounded to `decimals` places, without exponent: `fixed(1.005, decimals: 2) == "1.01"` or
    /// `"1.00"` depending on the binary value, always the same on every platform. Non-finite values
    /// print as `"nan"`, `"inf"`, `"-inf"`; a value that rounds to zero has no minus sign.
    ///
    /// Precondition: `0 <= decimals <= 12`.
    public static func fixed(_ v: Double, decimals: Int) -> String {
        precondition((0...12).contains(decimals), "decimals must be in 0...12")
        guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(v) * scale).rounded(.toNearestOrAwayFromZero)
        // Beyond 2^62 the value has no fractional digits worth printing; fall back to Swift's text.
        guard scaled < 4.6e18 else { return "\(v)" }
        let n = UInt64(scaled)
        let scaleInt = UInt64(scale)
        let whole = n / scaleInt
        let fraction = n % scaleInt
        let sign = (v < 0 && n != 0) ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        var fractionText = String(fraction)
        fractionText = String(repeating: "0", count: decimals - fractionText.count) + fractionText
        return sign + String(whole) + "." + fractionText
    }

    /// `v` with `digits` significant digits: fixed notation for magnitudes in [1e-3, 1e6),
    /// scientific (`"1.23e-05"`) outside; `"0"` for zero. Trailing zeros are kept so columns align.
    ///
    /// Precondition: `1 <= digits <= 12`.
    public static func significant(_ v: Double, digits: Int) -> String {
        precondition((1...12).contains(digits), "digits must be in 1...12")
        guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        if v == 0 { return "0" }
        var exponent = Int((abs(v)).log10Floor)
        // Rounding can carry into the next decade (9.9996 → 10.00): recompute from the rounded value.
        // Near the largest double, rounding up overflows (1.797e308 → 1.80e308 = ∞): keep v then.
        let roundedUp = roundedToSignificant(v, digits: digits, exponent: exponent)
        let rounded = roundedUp.isFinite ? roundedUp : v
        if rounded != 0 { exponent = Int(abs(rounded).log10Floor) }
        if exponent >= -3 && exponent < 6 {
            return fixed(rounded, decimals: max(0, digits - 1 - exponent))
        }
        var mantissa = rounded
        for _ in 0..<abs(exponent) { mantissa = exponent > 0 ? mantissa / 10 : mantissa * 10 }
        // Subnormals hold few digits: 1e-310 may round to 9.99…e-311, whose mantissa prints as 10.
        let scale = pow10(digits - 1)
        if (abs(mantissa) * scale).rounded(.toNearestOrAwayFromZero) >= 10 * scale {
            mantissa /= 10
            exponent += 1
        }
        let exponentText = (exponent < 0 ? "-" : "+") + (abs(exponent) < 10 ? "0" : "") + String(abs(exponent))
        return fixed(mantissa, decimals: digits - 1) + "e" + exponentText
    }

    private static func roundedToSignificant(_ v: Double, digits: Int, exponent: Int) -> Double {
        let shift = digits - 1 - exponent
        // Below about 1e-296 the factor 10^shift overflows; scale by 1e300 first (a subnormal
        // 1e-310 made this NaN and then trapped in log10Floor).
        if shift > 300 {
            let factor = pow10(shift - 300)
            return (v * 1e300 * factor).rounded() / factor / 1e300
        }
        let factor = pow10(abs(shift))
        return shift >= 0 ? (v * factor).rounded() / factor : (v / factor).rounded() * factor
    }

    static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= 10 }
        return r
    }

    /// 10^n for any n without libm (the same bits everywhere): infinity above 1e308; below
    /// 1e-308, where 1 / 10^−n would be 1 / ∞ = 0, by further division into the subnormals.
    static func powerOfTen(_ n: Int) -> Double {
        if n >= 0 { return pow10(min(n, 400)) }
        var r = 1 / pow10(min(-n, 308))
        for _ in 308..<max(-n, 308) where r > 0 { r /= 10 }
        return r
    }
}

extension Double {
    /// floor(log10(|self|)) computed without libm differences at exact powers of ten.
    var log10Floor: Double {
        precondition(self > 0 && isFinite)
        var e = 0
        var m = self
        while m >= 10 { m /= 10; e += 1 }
        while m < 1 { m *= 10; e -= 1 }
        return Double(e)
    }
}
