#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Student's t distribution with `degrees` (ν > 0, not necessarily an integer: Welch's test gives
/// fractional ν): the cumulative distribution and its inverse, for the report's intervals and p-values
/// and the pruners' one-sided bounds (one implementation for both).
///
/// P(T ≤ t) = 1 − ½ I_x(ν/2, ½) for t ≥ 0, with x = ν / (ν + t²) and I the regularised incomplete
/// beta function (Abramowitz & Stegun 26.7.1), evaluated by its continued fraction (modified Lentz,
/// A&S 26.5.8). Accurate to about 1e-12 relative; the reports print p to two significant digits.
public struct StudentT: Sendable {
    public var degrees: Double

    /// Precondition: `degrees > 0` and finite.
    public init(degrees: Double) {
        precondition(degrees > 0 && degrees.isFinite, "degrees of freedom must be positive and finite")
        self.degrees = degrees
    }

    /// P(T ≤ t); 0 and 1 at ∓∞, NaN for NaN.
    public func cdf(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        if t == .infinity { return 1 }
        if t == -.infinity { return 0 }
        let x = degrees / (degrees + t * t)
        let tail = 0.5 * Self.regularizedBeta(x, a: degrees / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// P(T ≥ t): the one-sided p-value of a t statistic.
    public func upperTail(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        if t == .infinity { return 0 }
        if t == -.infinity { return 1 }
        let x = degrees / (degrees + t * t)
        let tail = 0.5 * Self.regularizedBeta(x, a: degrees / 2, b: 0.5)
        return t >= 0 ? tail : 1 - tail
    }

    /// The t with P(T ≤ t) = p, by bisection on `cdf` (monotone; 200 halvings reach the double's
    /// resolution from any bracket). Precondition: 0 < p < 1.
    public func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "quantile needs 0 < p < 1")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -quantile(1 - p) }
        var low = 0.0, high = 1.0
        while cdf(high) < p && high < 1e300 { low = high; high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if mid == low || mid == high { break }
            if cdf(mid) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1 (Numerical Recipes §6.4's split: the continued fraction
    /// converges fast for x < (a + 1)/(a + b + 2), else use the symmetry I_x(a, b) = 1 − I_{1−x}(b, a)).
    static func regularizedBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * continuedFraction(1 - x, a: b, b: a) / b
    }

    /// The continued fraction of I_x(a, b) by the modified Lentz method.
    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let epsilon = 1e-15
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m)
            let m2 = 2 * m
            // Even step.
            var aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            // Odd step.
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
