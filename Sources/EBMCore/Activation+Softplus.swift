/// Softplus and its derivatives from ONE exponential per element, a lane group at a time.
///
/// With e = exp(−|z|) ∈ (0, 1]:  softplus(z) = max(z, 0) + log1p(e),  σ(z) = 1/(1+e) for z ≥ 0 and
/// e/(1+e) otherwise,  σ′ = σ(1 − σ). Above PyTorch's threshold 20 softplus is z, σ = 1, σ′ = 0.
///
/// Why not libm: glibc's exp and log1p are scalar calls, and on the score models (H = 512) they were
/// 15–20 ms of every iteration. Here both are pure arithmetic on `SoftplusLanes` (no calls, no
/// branches, only selects; the polynomials per precision are in `Scalar+Softplus.swift`), so the
/// whole kernel vectorises; the scalar forms (`value`, `derivative`) run the same lanes, so batch
/// and scalar results agree bit for bit. Accuracy against libm is tested (`softplusAccuracy`): a
/// few ulps in either precision.
extension Scalar {
    /// softplus(z) and σ(z) on every lane (see the file's doc for the formulas and threshold).
    @inline(__always)
    static func softplusLanes(_ z: SoftplusLanes) -> (value: SoftplusLanes, sigma: SoftplusLanes) {
        let zero = SoftplusLanes(repeating: 0), one = SoftplusLanes(repeating: 1)
        let threshold = SoftplusLanes(repeating: Self(ActivationKind.softplusThreshold))
        let minusAbs = select(z, lessThan: zero, z, else: -z)
        let e = expNonPositive(minusAbs)
        let inv = 1 / (1 + e)
        let sigma = select(z, lessThan: zero, e * inv, else: inv)
        let soft = select(z, lessThan: zero, zero, else: z) + log1pUnit(e)
        return (select(threshold, lessThan: z, z, else: soft), select(threshold, lessThan: z, one, else: sigma))
    }
}

extension ActivationKind {
    /// Scalar softplus through the lane kernel (bit-identical to the batch form).
    @inline(__always)
    static func softplusScalar<T: Scalar>(_ z: T) -> (value: T, sigma: T) {
        let r = T.softplusLanes(T.SoftplusLanes(repeating: z))
        return (r.value[0], r.sigma[0])
    }

    /// a = softplus(z + bias), d1 = σ, d2 = σ(1 − σ) (each optional derivative only when given),
    /// over `rows` rows of `columns` values; when `bias` is given, z is updated in place to z + bias
    /// first (the GEMM wrote z without it), so the tape still holds the pre-activation.
    @inline(__always)
    static func softplusRows<T: Scalar>(
        rows: Int, columns: Int, z: UnsafeMutablePointer<T>, bias: UnsafePointer<T>?,
        a: UnsafeMutablePointer<T>, d1: UnsafeMutablePointer<T>?, d2: UnsafeMutablePointer<T>?
    ) {
        typealias Group = T.SoftplusLanes
        let width = Group.scalarCount
        let full = columns / width * width
        let tail = columns - full
        for r in 0..<rows {
            let zr = z + r * columns, ar = a + r * columns
            var j = 0
            while j < full {
                var v = UnsafeRawPointer(zr + j).loadUnaligned(as: Group.self)
                if let bias { v += UnsafeRawPointer(bias + j).loadUnaligned(as: Group.self) }
                let (value, sigma) = T.softplusLanes(v)
                if bias != nil { UnsafeMutableRawPointer(zr + j).storeBytes(of: v, as: Group.self) }
                UnsafeMutableRawPointer(ar + j).storeBytes(of: value, as: Group.self)
                if let d1 { UnsafeMutableRawPointer(d1 + r * columns + j).storeBytes(of: sigma, as: Group.self) }
                if let d2 { UnsafeMutableRawPointer(d2 + r * columns + j).storeBytes(of: sigma * (1 - sigma), as: Group.self) }
                j += width
            }
            if tail > 0 {
                var v = Group(repeating: 0)
                for k in 0..<tail { v[k] = zr[full + k] + (bias.map { $0[full + k] } ?? 0) }
                let (value, sigma) = T.softplusLanes(v)
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
