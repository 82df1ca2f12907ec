import Foundation

/// The activations of the MLP: value, first and second derivative side by side.
///
/// The second derivative is needed by implicit score matching, whose parameter gradient reverses
/// through the forward-mode tangent ȧ = φ′(z)·ż, giving a φ″(z) term.
///
/// - relu: max(0, z); φ′ = 1 for z > 0 else 0 (PyTorch's choice at 0); φ″ = 0.
/// - leaky_relu: z for z > 0 else 0.01·z (PyTorch's default slope); φ″ = 0.
/// - softplus: log(1 + eᶻ), computed as z when z > 20 (PyTorch's threshold) and
///   max(z, 0) + log1p(e^−|z|) otherwise (log1p by a vectorisable series, `log1pUnit`), which never overflows nor loses the tail; φ′ = σ(z) (1 above the threshold), φ″ = σ(z)(1 − σ(z))
///   (0 above the threshold, matching the linear branch).
/// - silu: z·σ(z); φ′ = σ(1 + z(1 − σ)); φ″ = σ(1 − σ)(2 + z(1 − 2σ)).
/// - tanh: t = tanh z; φ′ = 1 − t²; φ″ = −2t(1 − t²).
extension ActivationKind {
    /// PyTorch's `nn.LeakyReLU` default negative slope.
    public static let leakySlope = 0.01
    /// PyTorch's `nn.Softplus` default threshold above which softplus is the identity.
    public static let softplusThreshold = 20.0

    /// Logistic sigmoid, stable for both signs (never exp of a large positive number).
    @inline(__always)
    static func sigmoid(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + exp(-z)) }
        let e = exp(z)
        return e / (1 + e)
    }

    /// log(1 + e) for e in [0, 1] without a libm call: log(1 + e) = 2·atanh(u) with
    /// u = e/(2 + e) ∈ [0, 1/3], so 2·Σ_{k<18} u^{2k+1}/(2k+1) has truncation below
    /// (1/9)^18/37 ≈ 4e-19 relative — exact to rounding. Pure arithmetic, so the softplus loop
    /// vectorises (glibc's log1p was the largest non-BLAS cost of score-model training).
    @inline(__always)
    static func log1pUnit(_ e: Double) -> Double {
        let u = e / (2 + e)
        let u2 = u * u
        var p = 1.0 / 35
        p = p * u2 + 1.0 / 33; p = p * u2 + 1.0 / 31; p = p * u2 + 1.0 / 29; p = p * u2 + 1.0 / 27
        p = p * u2 + 1.0 / 25; p = p * u2 + 1.0 / 23; p = p * u2 + 1.0 / 21; p = p * u2 + 1.0 / 19
        p = p * u2 + 1.0 / 17; p = p * u2 + 1.0 / 15; p = p * u2 + 1.0 / 13; p = p * u2 + 1.0 / 11
        p = p * u2 + 1.0 / 9; p = p * u2 + 1.0 / 7; p = p * u2 + 1.0 / 5; p = p * u2 + 1.0 / 3
        p = p * u2 + 1
        return 2 * u * p
    }

    /// φ(z).
    public func value(_ z: Double) -> Double {
        switch self {
        case .relu: return z > 0 ? z : 0
        case .leakyRelu: return z > 0 ? z : Self.leakySlope * z
        case .softplus: return z > Self.softplusThreshold ? z : max(z, 0) + Self.log1pUnit(exp(-abs(z)))
        case .silu: return z * Self.sigmoid(z)
        case .tanh: return Foundation.tanh(z)
        }
    }

    /// φ′(z).
    public func derivative(_ z: Double) -> Double {
        switch self {
        case .relu: return z > 0 ? 1 : 0
        case .leakyRelu: return z > 0 ? 1 : Self.leakySlope
        case .softplus: return z > Self.softplusThreshold ? 1 : Self.sigmoid(z)
        case .silu:
            let s = Self.sigmoid(z)
            return s * (1 + z * (1 - s))
        case .tanh:
            let t = Foundation.tanh(z)
            return 1 - t * t
        }
    }

    /// φ″(z).
    public func secondDerivative(_ z: Double) -> Double {
        switch self {
        case .relu, .leakyRelu:
            return 0
        case .softplus:
            if z > Self.softplusThreshold { return 0 }
            let s = Self.sigmoid(z)
            return s * (1 - s)
        case .silu:
            let s = Self.sigmoid(z)
            return s * (1 - s) * (2 + z * (1 - 2 * s))
        case .tanh:
            let t = Foundation.tanh(z)
            return -2 * t * (1 - t * t)
        }
    }

    /// Applies φ elementwise over `count` values: a[i] = φ(z[i]), and when given d1[i] = φ′(z[i]),
    /// d2[i] = φ″(z[i]). One switch outside the loop so each loop is tight; `a` must not alias `z`
    /// (softplus parks exp(−|z|) in `a` between its two passes).
    @inline(__always)
    func apply(
        count: Int, z: UnsafePointer<Double>, a: UnsafeMutablePointer<Double>,
        d1: UnsafeMutablePointer<Double>?, d2: UnsafeMutablePointer<Double>?
    ) {
        switch self {
        case .relu:
            if let d1 {
                for i in 0..<count { let v = z[i]; let p = v > 0; a[i] = p ? v : 0; d1[i] = p ? 1 : 0 }
            } else {
                for i in 0..<count { let v = z[i]; a[i] = v > 0 ? v : 0 }
            }
            if let d2 { d2.update(repeating: 0, count: count) }
        case .leakyRelu:
            let slope = Self.leakySlope
            if let d1 {
                for i in 0..<count { let v = z[i]; let p = v > 0; a[i] = p ? v : slope * v; d1[i] = p ? 1 : slope }
            } else {
                for i in 0..<count { let v = z[i]; a[i] = v > 0 ? v : slope * v }
            }
            if let d2 { d2.update(repeating: 0, count: count) }
        case .softplus:
            // e = exp(−|v|) ≤ 1: σ(v) = 1/(1+e) for v ≥ 0, e/(1+e) otherwise;
            // softplus(v) = max(v, 0) + log1p(e). One exp per element, log1p by `log1pUnit`; the loops
            // are split by which derivatives are kept so each stays branch-light.
            let threshold = Self.softplusThreshold
            if let d1 {
                // Pass 1 (libm exp): e = exp(−|v|) parked in a, and φ′. Pass 2 (vectorised): φ.
                for i in 0..<count {
                    let v = z[i]
                    let e = exp(-abs(v))
                    let inv = 1 / (1 + e)
                    a[i] = e
                    d1[i] = v > threshold ? 1 : (v >= 0 ? inv : e * inv)
                }
                for i in 0..<count {
                    let v = z[i]
                    let soft = max(v, 0) + Self.log1pUnit(a[i])
                    a[i] = v > threshold ? v : soft
                }
                if let d2 {
                    for i in 0..<count {
                        let s = d1[i]
                        d2[i] = z[i] > threshold ? 0 : s * (1 - s)
                    }
                }
            } else {
                for i in 0..<count {
                    let v = z[i]
                    a[i] = exp(-abs(v))
                }
                for i in 0..<count {
                    let v = z[i]
                    let soft = max(v, 0) + Self.log1pUnit(a[i])
                    a[i] = v > threshold ? v : soft
                }
            }
        case .silu:
            for i in 0..<count {
                let v = z[i]
                let s = Self.sigmoid(v)
                a[i] = v * s
                d1?[i] = s * (1 + v * (1 - s))
                d2?[i] = s * (1 - s) * (2 + v * (1 - 2 * s))
            }
        case .tanh:
            for i in 0..<count {
                let t = Foundation.tanh(z[i])
                a[i] = t
                d1?[i] = 1 - t * t
                d2?[i] = -2 * t * (1 - t * t)
            }
        }
    }
}

extension ActivationKind {
    /// The batch kernel with first derivatives, exposed for tests of its accuracy.
    public func applyForTesting(count: Int, z: UnsafePointer<Double>, a: UnsafeMutablePointer<Double>,
                                d1: UnsafeMutablePointer<Double>) {
        apply(count: count, z: z, a: a, d1: d1, d2: nil)
    }
}
