import Foundation

/// `mmd` and `energy_distance`: two-sample distances from all pairwise distances. Reported beside
/// the ranking, never the default: they weigh global mass balance, not the data's thin structure.
extension Metrics {
    /// The MMD bandwidth is the median pairwise distance among at most this many reference points
    /// (the first ones): 1000 points give 499 500 distances, plenty for a median, in a few ms.
    public static let medianSubsetCount = 1000

    /// The median of the pairwise distances ‖x_i − x_j‖, i < j, among the first
    /// `medianSubsetCount` rows of `points` (the mean of the two middle values for an even count).
    ///
    /// - Precondition: `points` is [n, 2], finite, with n ≥ 2.
    public static func medianPairwiseDistance(_ points: Matrix) -> Double {
        let n = min(points.rows, medianSubsetCount)
        precondition(n >= 2, "a median pairwise distance needs two points")
        let (x, y) = columns(of: points)
        var distances: [Double] = []
        distances.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let dx = x[i] - x[j], dy = y[i] - y[j]
                distances.append((dx * dx + dy * dy).squareRoot())
            }
        }
        distances.sort()
        let c = distances.count
        return c % 2 == 1 ? distances[c / 2] : 0.5 * (distances[c / 2 - 1] + distances[c / 2])
    }

    /// The unbiased estimate of MMD² with the RBF kernel k(a, b) = exp(−‖a − b‖² / (2ℓ²)):
    ///
    ///     MMD² = 1/(m(m−1)) Σ_{i≠i'} k(x_i, x_i') + 1/(n(n−1)) Σ_{j≠j'} k(y_j, y_j')
    ///            − 2/(mn) Σ_{i,j} k(x_i, y_j)
    ///
    /// (Gretton et al. 2012, eq. 3), x the samples, y the reference. It can be slightly negative.
    ///
    /// - Precondition: both are [·, 2], finite, with at least 2 rows; `bandwidth > 0`.
    public static func mmd(samples: Matrix, reference: Matrix, bandwidth: Double) -> Double {
        precondition(samples.rows >= 2 && reference.rows >= 2, "MMD needs two points in each set")
        precondition(bandwidth > 0, "MMD bandwidth must be positive")
        let inverse = 1 / (2 * bandwidth * bandwidth)
        let kernel: (UnsafeBufferPointer<Double>) -> Double = { sumOfExponentials($0, scale: -inverse) }
        let x = columns(of: samples), y = columns(of: reference)
        let m = Double(samples.rows), n = Double(reference.rows)
        let xx = 2 * pairSum(x.x, x.y, rowSum: kernel) / (m * (m - 1))
        let yy = 2 * pairSum(y.x, y.y, rowSum: kernel) / (n * (n - 1))
        let xy = crossSum(x.x, x.y, y.x, y.y, rowSum: kernel) / (m * n)
        return xx + yy - 2 * xy
    }

    /// The energy distance 2E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖ (Székely & Rizzo), as the
    /// V-statistic: every mean runs over all pairs, i = j included. The V-statistic is the
    /// squared norm of a difference of embeddings, so it is never negative, and it is 0 only
    /// for identical point sets.
    ///
    /// - Precondition: both are [·, 2], finite and non-empty.
    public static func energyDistance(samples: Matrix, reference: Matrix) -> Double {
        precondition(samples.rows >= 1 && reference.rows >= 1, "energy distance needs points in each set")
        let norm: (UnsafeBufferPointer<Double>) -> Double = { sumOfSquareRoots($0) }
        let x = columns(of: samples), y = columns(of: reference)
        let m = Double(samples.rows), n = Double(reference.rows)
        let xy = crossSum(x.x, x.y, y.x, y.y, rowSum: norm) / (m * n)
        let xx = 2 * pairSum(x.x, x.y, rowSum: norm) / (m * m)
        let yy = 2 * pairSum(y.x, y.y, rowSum: norm) / (n * n)
        return max(0, 2 * xy - xx - yy)
    }

    /// Σ_{i<j} f(‖a_i − a_j‖²), with `rowSum` summing f over one row of squared distances.
    static func pairSum(_ ax: [Double], _ ay: [Double], rowSum: (UnsafeBufferPointer<Double>) -> Double) -> Double {
        var row = [Double](repeating: 0, count: ax.count)
        var total = 0.0
        ax.withUnsafeBufferPointer { ax in
            ay.withUnsafeBufferPointer { ay in
                row.withUnsafeMutableBufferPointer { row in
                    for i in 0..<ax.count {
                        let rest = i + 1..<ax.count
                        let out = UnsafeMutableBufferPointer(rebasing: row[rest])
                        squaredDistances(from: ax[i], ay[i], to: UnsafeBufferPointer(rebasing: ax[rest]),
                                         UnsafeBufferPointer(rebasing: ay[rest]), into: out)
                        total += rowSum(UnsafeBufferPointer(out))
                    }
                }
            }
        }
        return total
    }

    /// Σ_{i,j} f(‖a_i − b_j‖²), with `rowSum` summing f over one row of squared distances.
    static func crossSum(_ ax: [Double], _ ay: [Double], _ bx: [Double], _ by: [Double],
                         rowSum: (UnsafeBufferPointer<Double>) -> Double) -> Double
    {
        var row = [Double](repeating: 0, count: bx.count)
        var total = 0.0
        bx.withUnsafeBufferPointer { bx in
            by.withUnsafeBufferPointer { by in
                row.withUnsafeMutableBufferPointer { row in
                    for i in 0..<ax.count {
                        squaredDistances(from: ax[i], ay[i], to: bx, by, into: row)
                        total += rowSum(UnsafeBufferPointer(row))
                    }
                }
            }
        }
        return total
    }
}
