import Foundation

/// `precision` and `recall`: k-nearest-neighbour precision and recall (Kynkäänniemi et al. 2019,
/// "Improved precision and recall metric for assessing generative models").
extension Metrics {
    /// The k of the k-NN balls.
    public static let nearestNeighbourCount = 3

    /// k-NN precision and recall of `samples` against `reference`.
    ///
    /// Each point p of a set gets the ball B(p, r_k(p)), r_k(p) the distance to its k-th nearest
    /// *other* point of the same set (closed ball). Then
    ///
    ///     precision = share of samples inside ∪_{x ∈ reference} B(x, r_k(x))   (fidelity)
    ///     recall    = share of reference points inside ∪_{s ∈ samples} B(s, r_k(s))   (coverage)
    ///
    /// Both are NaN when either set has k or fewer points (r_k is then undefined).
    ///
    /// - Precondition: both are [·, 2] and finite; `k >= 1`.
    public static func precisionRecall(samples: Matrix, reference: Matrix, k: Int = nearestNeighbourCount)
        -> (precision: Double, recall: Double)
    {
        precondition(k >= 1, "k must be positive, got \(k)")
        guard samples.rows > k, reference.rows > k else { return (.nan, .nan) }
        let s = columns(of: samples), r = columns(of: reference)
        let sampleRadii = kthNeighbourSquaredDistances(s.x, s.y, k: k)
        let referenceRadii = kthNeighbourSquaredDistances(r.x, r.y, k: k)
        let precision = coveredShare(queriesX: s.x, queriesY: s.y, centresX: r.x, centresY: r.y, radiiSquared: referenceRadii)
        let recall = coveredShare(queriesX: r.x, queriesY: r.y, centresX: s.x, centresY: s.y, radiiSquared: sampleRadii)
        return (precision, recall)
    }

    /// For every point, the squared distance to its k-th nearest other point (the point itself is
    /// excluded by index, so duplicates count as neighbours at distance 0). O(n²) with a sorted
    /// k-slot insertion buffer.
    ///
    /// - Precondition: `xs.count == ys.count > k`.
    static func kthNeighbourSquaredDistances(_ xs: [Double], _ ys: [Double], k: Int) -> [Double] {
        let n = xs.count
        precondition(ys.count == n && n > k, "need more than k points")
        var result = [Double](repeating: 0, count: n)
        var best = [Double](repeating: .infinity, count: k)
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                for i in 0..<n {
                    for slot in 0..<k { best[slot] = .infinity }
                    let px = xs[i], py = ys[i]
                    for j in 0..<n where j != i {
                        let dx = px - xs[j], dy = py - ys[j]
                        let d = dx * dx + dy * dy
                        if d < best[k - 1] {
                            // Insert d into the ascending buffer, dropping the largest.
                            var slot = k - 1
                            while slot > 0 && best[slot - 1] > d {
                                best[slot] = best[slot - 1]
                                slot -= 1
                            }
                            best[slot] = d
                        }
                    }
                    result[i] = best[k - 1]
                }
            }
        }
        return result
    }

    /// Share of queries q with ‖q − c_j‖² ≤ r_j² for some centre j (stops at the first such j).
    static func coveredShare(queriesX: [Double], queriesY: [Double], centresX: [Double], centresY: [Double],
                             radiiSquared: [Double]) -> Double
    {
        guard !queriesX.isEmpty else { return .nan }
        var covered = 0
        centresX.withUnsafeBufferPointer { cx in
            centresY.withUnsafeBufferPointer { cy in
                radiiSquared.withUnsafeBufferPointer { r2 in
                    for i in 0..<queriesX.count {
                        let qx = queriesX[i], qy = queriesY[i]
                        for j in 0..<cx.count {
                            let dx = qx - cx[j], dy = qy - cy[j]
                            if dx * dx + dy * dy <= r2[j] {
                                covered += 1
                                break
                            }
                        }
                    }
                }
            }
        }
        return Double(covered) / Double(queriesX.count)
    }
}
