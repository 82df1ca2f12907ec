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

    /// log Σ exp(a_j), computed as m + log Σ exp(a_j − m) with m = max a_j so nothing overflows
    /// and at least one term is exp(0) = 1. Returns −∞ for an empty buffer or when every term is −∞.
    static func logSumExp(_ a: UnsafeBufferPointer<Double>) -> Double {
        var m = -Double.infinity
        for v in a { m = max(m, v) }
        guard m.isFinite else { return m }
        var sum = 0.0
        for v in a { sum += exp(v - m) }
        return m + log(sum)
    }

    /// `logSumExp` of an array.
    static func logSumExp(_ a: [Double]) -> Double {
        a.withUnsafeBufferPointer { logSumExp($0) }
    }
}
