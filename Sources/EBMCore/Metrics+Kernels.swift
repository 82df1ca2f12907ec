import Foundation

/// Small numerical kernels shared by the metrics: column extraction, squared distances and
/// log-sum-exp. Plain loops over contiguous arrays, written so the compiler can vectorise them
/// (the metrics do not depend on the BLAS wrappers).
extension Metrics {
    /// The two columns of an [n, 2] matrix as separate arrays: the layout the pairwise loops run over.
    ///
    /// - Precondition: `points.columns == 2`.
    static func columns(of points: Matrix) -> (x: [Double], y: [Double]) {
        precondition(points.columns == 2, "points must be [n, 2], got [\(points.rows), \(points.columns)]")
        var x = [Double](repeating: 0, count: points.rows)
        var y = [Double](repeating: 0, count: points.rows)
        points.storage.withUnsafeBufferPointer { s in
            for i in 0..<points.rows {
                x[i] = s[2 * i]
                y[i] = s[2 * i + 1]
            }
        }
        return (x, y)
    }

    /// The first `limit` rows of `points` whose two coordinates are finite, in order.
    ///
    /// - Precondition: `points.columns == 2`.
    static func finiteRows(of points: Matrix, limit: Int = .max) -> Matrix {
        precondition(points.columns == 2, "points must be [n, 2], got [\(points.rows), \(points.columns)]")
        var kept: [Double] = []
        kept.reserveCapacity(min(points.count, 2 * min(limit, points.rows)))
        var count = 0
        for i in 0..<points.rows where count < limit {
            let x = points[i, 0], y = points[i, 1]
            if x.isFinite && y.isFinite {
                kept.append(x)
                kept.append(y)
                count += 1
            }
        }
        return Matrix(rows: count, columns: 2, storage: kept)
    }

    /// out[j] = (px − xs[j])² + (py − ys[j])².
    @inline(__always)
    static func squaredDistances(
        from px: Double, _ py: Double,
        to xs: UnsafeBufferPointer<Double>, _ ys: UnsafeBufferPointer<Double>,
        into out: UnsafeMutableBufferPointer<Double>
    ) {
        for j in 0..<xs.count {
            let dx = px - xs[j], dy = py - ys[j]
            out[j] = dx * dx + dy * dy
        }
    }

    /// e^x, four lanes at a time, to within 2 ulp for −708 ≤ x ≤ 709; written without branches or
    /// library calls so it runs as vector instructions (the metrics spend most of their time in exp).
    ///
    /// Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, with ln2 split into a 33-bit head (n·head
    /// is exact for |n| < 2^20) and a tail; e^r by its Taylor polynomial of degree 13 (remainder
    /// r^14/14! < 5e-18); 2^n assembled in the exponent bits. n is rounded by adding and
    /// subtracting 1.5·2^52, which also leaves n in the low bits of the sum. Inputs are clamped to
    /// [−708, 709]: below, the result is ≈ 3e-308 instead of an underflowing value, which changes
    /// no sum these metrics form (each is a log-sum-exp with a term 1, or a kernel mean).
    @inline(__always)
    static func fastExp(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let roundingShift = SIMD4<Double>(repeating: 6_755_399_441_055_744.0) // 1.5 · 2^52
        let clamped = pointwiseMax(pointwiseMin(x, SIMD4(repeating: 709)), SIMD4(repeating: -708))
        let shifted = clamped * 1.442_695_040_888_963_4 + roundingShift
        let n = shifted - roundingShift
        let r = (clamped - n * 0.693_147_180_369_123_816_49) - n * 1.908_214_929_270_587_7e-10
        // Horner: 1/13!, 1/12!, …, 1/1!, 1/0!.
        var p = SIMD4<Double>(repeating: 1.0 / 6_227_020_800)
        p = p * r + 1.0 / 479_001_600
        p = p * r + 1.0 / 39_916_800
        p = p * r + 1.0 / 3_628_800
        p = p * r + 1.0 / 362_880
        p = p * r + 1.0 / 40_320
        p = p * r + 1.0 / 5_040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // The low bits of `shifted` hold n in two's complement; add the bias, move to the exponent.
        let bits = unsafeBitCast(shifted, to: SIMD4<UInt64>.self)
        return p * unsafeBitCast((bits &+ 1023) &<< 52, to: SIMD4<Double>.self)
    }

    /// e^x through the four-lane kernel (for loop remainders and single values).
    @inline(__always)
    static func fastExp(_ x: Double) -> Double {
        fastExp(SIMD4(repeating: x))[0]
    }

    /// Σ_j exp(scale · b_j + offset), vectorised four lanes at a time.
    static func sumOfExponentials(_ b: UnsafeBufferPointer<Double>, scale: Double, offset: Double = 0) -> Double {
        var acc = SIMD4<Double>(repeating: 0)
        var j = 0
        while j + 4 <= b.count {
            let v = SIMD4(b[j], b[j + 1], b[j + 2], b[j + 3])
            acc += fastExp(v * scale + offset)
            j += 4
        }
        var total = acc.sum()
        while j < b.count {
            total += fastExp(b[j] * scale + offset)
            j += 1
        }
        return total
    }

    /// Σ_j √b_j, vectorised four lanes at a time.
    static func sumOfSquareRoots(_ b: UnsafeBufferPointer<Double>) -> Double {
        var acc = SIMD4<Double>(repeating: 0)
        var j = 0
        while j + 4 <= b.count {
            acc += SIMD4(b[j], b[j + 1], b[j + 2], b[j + 3]).squareRoot()
            j += 4
        }
        var total = acc.sum()
        while j < b.count {
            total += b[j].squareRoot()
            j += 1
        }
        return total
    }

    /// log Σ exp(a_j), computed as m + log Σ exp(a_j − m) with m = max a_j so nothing overflows
    /// and at least one term is exp(0) = 1. Returns −∞ for an empty buffer or when every term is −∞.
    static func logSumExp(_ a: UnsafeBufferPointer<Double>) -> Double {
        var m = -Double.infinity
        for v in a { m = max(m, v) }
        guard m.isFinite else { return m }
        return m + log(sumOfExponentials(a, scale: 1, offset: -m))
    }

    /// LSE_j(−c·d_j) for squared distances d_j ≥ 0 and c > 0: the log-sum-exp of a Gaussian
    /// kernel row, shifted by the smallest distance d₀ (the largest term):
    /// −c·d₀ + log Σ_j exp(−c·(d_j − d₀)).
    static func logSumExp(squaredDistances d: UnsafeBufferPointer<Double>, scale c: Double) -> Double {
        guard !d.isEmpty else { return -.infinity }
        var lanes = SIMD4<Double>(repeating: .infinity)
        var j = 0
        while j + 4 <= d.count {
            lanes = pointwiseMin(lanes, SIMD4(d[j], d[j + 1], d[j + 2], d[j + 3]))
            j += 4
        }
        var d0 = lanes.min()
        while j < d.count { d0 = min(d0, d[j]); j += 1 }
        guard d0.isFinite else { return -.infinity }
        return -c * d0 + log(sumOfExponentials(d, scale: -c, offset: c * d0))
    }

    /// `logSumExp` of an array.
    static func logSumExp(_ a: [Double]) -> Double {
        a.withUnsafeBufferPointer { logSumExp($0) }
    }
}
