/// The activations of the MLP: value, first and second derivative side by side, in either precision.
///
/// The second derivative is needed by implicit score matching, whose parameter gradient reverses
/// through the forward-mode tangent ȧ = φ′(z)·ż, giving a φ″(z) term.
///
/// - relu: max(0, z); φ′ = 1 for z > 0 else 0 (PyTorch's choice at 0); φ″ = 0.
/// - leaky_relu: z for z > 0 else 0.01·z (PyTorch's default slope); φ″ = 0.
/// - softplus: log(1 + eᶻ), computed as z when z > 20 (PyTorch's threshold) and
///   max(z, 0) + log1p(e^−|z|) otherwise, which never overflows nor loses the tail (one vectorised
///   exp per element, `Softplus.c` in CSIMD); φ′ = σ(z) (1 above the threshold), φ″ = σ(z)(1 − σ(z))
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
    static func sigmoid<T: Scalar>(_ z: T) -> T {
        if z >= 0 { return 1 / (1 + T.exp(-z)) }
        let e = T.exp(z)
        return e / (1 + e)
    }

    /// Relu and leaky relu: φ′ is 1 where φ(z) > 0 and constant elsewhere, so it need not be stored.
    public var isPiecewiseLinear: Bool { self == .relu || self == .leakyRelu }

    /// The slope below zero of relu (0) and leaky relu, which the thin-layer kernels apply on their
    /// registers; nil for the smooth activations.
    func rectifierSlope<T: Scalar>(_: T.Type) -> T? {
        switch self {
        case .relu: return 0
        case .leakyRelu: return T(Self.leakySlope)
        case .softplus, .silu, .tanh: return nil
        }
    }

    /// slope·x, the piecewise-linear activations' branch below zero (for φ, φ′ and the reverse
    /// pass alike). Relu selects 0 rather than multiplying by it, so −0 and ∞·0 never appear.
    @inline(__always)
    func belowZero<L: SIMD>(_ x: L) -> L where L.Scalar: Scalar {
        self == .relu ? L(repeating: 0) : L.Scalar(Self.leakySlope) * x
    }

    @inline(__always)
    func belowZero<T: Scalar>(_ x: T) -> T { self == .relu ? 0 : T(Self.leakySlope) * x }

    /// φ(z).
    public func value<T: Scalar>(_ z: T) -> T {
        switch self {
        case .relu: return z > 0 ? z : 0
        case .leakyRelu: return z > 0 ? z : T(Self.leakySlope) * z
        case .softplus: return Self.softplusScalar(z).value
        case .silu: return z * Self.sigmoid(z)
        case .tanh: return T.tanh(z)
        }
    }

    /// φ′(z).
    public func derivative<T: Scalar>(_ z: T) -> T {
        switch self {
        case .relu: return z > 0 ? 1 : 0
        case .leakyRelu: return z > 0 ? 1 : T(Self.leakySlope)
        case .softplus: return Self.softplusScalar(z).sigma
        case .silu:
            let s = Self.sigmoid(z)
            return s * (1 + z * (1 - s))
        case .tanh:
            let t = T.tanh(z)
            return 1 - t * t
        }
    }

    /// φ″(z).
    public func secondDerivative<T: Scalar>(_ z: T) -> T {
        switch self {
        case .relu, .leakyRelu:
            return 0
        case .softplus:
            let s = Self.softplusScalar(z).sigma
            return s * (1 - s)
        case .silu:
            let s = Self.sigmoid(z)
            return s * (1 - s) * (2 + z * (1 - 2 * s))
        case .tanh:
            let t = T.tanh(z)
            return -2 * t * (1 - t * t)
        }
    }

    /// Applies φ elementwise over `count` values: a[i] = φ(z[i]), and when given d1[i] = φ′(z[i]),
    /// d2[i] = φ″(z[i]). One switch outside the loop so each loop is tight.
    @inline(__always)
    func apply<T: Scalar>(
        count: Int, z: UnsafePointer<T>, a: UnsafeMutablePointer<T>,
        d1: UnsafeMutablePointer<T>?, d2: UnsafeMutablePointer<T>?
    ) {
        switch self {
        case .relu, .leakyRelu:
            // In lanes explicitly: the forward pass calls this in place (z == a), which defeats
            // the auto-vectoriser's overlap check.
            let width = T.Lanes.scalarCount
            let full = count / width * width
            var i = 0
            let zero = T.Lanes(repeating: 0), one = T.Lanes(repeating: 1)
            while i < full {
                let v = z.lanes(at: i)
                a.store(T.select(zero, lessThan: v, v, else: belowZero(v)), at: i)
                d1?.store(T.select(zero, lessThan: v, one, else: belowZero(one)), at: i)
                i += width
            }
            for i in full..<count {
                let v = z[i], p = v > 0
                a[i] = p ? v : belowZero(v)
                d1?[i] = p ? 1 : belowZero(1)
            }
            if let d2 { d2.update(repeating: 0, count: count) }
        case .softplus:
            T.softplus(count: count, z: z, a: a, d1: d1, d2: d2)
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
                let t = T.tanh(z[i])
                a[i] = t
                d1?[i] = 1 - t * t
                d2?[i] = -2 * t * (1 - t * t)
            }
        }
    }
}

extension ActivationKind {
    /// Softplus and σ of one value through the batch kernel, so that scalar and batch agree bit
    /// for bit.
    @inline(__always)
    static func softplusScalar<T: Scalar>(_ z: T) -> (value: T, sigma: T) {
        var z = z, value = T.zero, sigma = T.zero
        T.softplus(count: 1, z: &z, a: &value, d1: &sigma, d2: nil)
        return (value, sigma)
    }

    /// The batch kernel with first derivatives, exposed for tests of its accuracy.
    public func applyForTesting<T: Scalar>(count: Int, z: UnsafePointer<T>, a: UnsafeMutablePointer<T>,
                                           d1: UnsafeMutablePointer<T>) {
        apply(count: count, z: z, a: a, d1: d1, d2: nil)
    }
}
