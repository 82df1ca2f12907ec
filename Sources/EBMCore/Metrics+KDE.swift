import Foundation

/// `kde_nll`: the held-out negative log-likelihood of a Gaussian kernel density estimate fitted to
/// the samples, the default ranking metric (docs/design.md, "Metrics").
extension Metrics {
    /// The KDE uses at most this many samples: the first ones that are finite.
    public static let maxKDESamples = 3000
    /// The bandwidth grid: 40 values spaced geometrically from 0.005 to 2,
    /// h_i = 0.005 · 400^(i/39), i = 0…39.
    public static let bandwidthGrid: [Double] = (0..<40).map { 0.005 * pow(2.0 / 0.005, Double($0) / 39) }

    /// The KDE's held-out NLL and the bandwidth it chose.
    ///
    /// With samples s_1…s_m (the first ≤ 3000 finite rows of `samples`) and bandwidth h,
    ///
    ///     log q_h(x) = log( (1/m) Σ_j N(x; s_j, h² I₂) )
    ///                = LSE_j( −‖x − s_j‖² / (2h²) ) − log m − log(2π h²),
    ///
    /// evaluated with log-sum-exp. h is the value of `bandwidthGrid` that maximises
    /// Σ_v log q_h(v) over the validation draw (the first on ties), and
    ///
    ///     kde_nll = −(1/N) Σ_i log q_h(x_i)   over the held-out draw, in nats.
    ///
    /// The validation distances are computed once and reused for all 40 bandwidths.
    /// Returns NaN for both when `samples` has no finite row.
    ///
    /// - Precondition: all three matrices are [·, 2]; `heldOut` and `validation` are finite and non-empty.
    public static func kdeNLL(samples: Matrix, heldOut: Matrix, validation: Matrix) -> (nll: Double, bandwidth: Double) {
        let kept = finiteRows(of: samples, limit: maxKDESamples)
        guard kept.rows > 0 else { return (.nan, .nan) }
        let h = selectBandwidth(samples: kept, validation: validation)
        let logQ = kdeLogDensity(at: heldOut, samples: kept, bandwidth: h)
        return (-logQ.reduce(0, +) / Double(logQ.count), h)
    }

    /// The grid bandwidth that maximises the validation log-likelihood of the KDE on `samples`.
    ///
    /// For each validation point v the squared distances d_j = ‖v − s_j‖² and their minimum d₀ are
    /// stored once; then for every h, LSE_j(−d_j / 2h²) = −d₀/2h² + log Σ_j exp(−(d_j − d₀)/2h²).
    /// The exponentials use the vectorisable `fastExp`.
    ///
    /// - Precondition: `samples` is finite and non-empty; `validation` is non-empty.
    static func selectBandwidth(samples: Matrix, validation: Matrix) -> Double {
        precondition(samples.rows > 0 && validation.rows > 0, "bandwidth selection needs samples and validation points")
        let (sx, sy) = columns(of: samples)
        let (vx, vy) = columns(of: validation)
        let m = samples.rows, nv = validation.rows
        // [validation, samples], each row shifted by its minimum.
        var shifted = [Double](repeating: 0, count: nv * m)
        var rowMinimum = [Double](repeating: 0, count: nv)
        sx.withUnsafeBufferPointer { sx in
            sy.withUnsafeBufferPointer { sy in
                shifted.withUnsafeMutableBufferPointer { d in
                    for v in 0..<nv {
                        let row = UnsafeMutableBufferPointer(rebasing: d[(v * m)..<((v + 1) * m)])
                        squaredDistances(from: vx[v], vy[v], to: sx, sy, into: row)
                        var d0 = Double.infinity
                        for j in 0..<m { d0 = min(d0, row[j]) }
                        for j in 0..<m { row[j] -= d0 }
                        rowMinimum[v] = d0
                    }
                }
            }
        }
        let sumOfMinima = rowMinimum.reduce(0, +)
        var best = (h: bandwidthGrid[0], logLikelihood: -Double.infinity)
        shifted.withUnsafeBufferPointer { d in
            for h in bandwidthGrid {
                let inverse = 1 / (2 * h * h)
                var total = 0.0
                for v in 0..<nv {
                    let row = UnsafeBufferPointer(rebasing: d[(v * m)..<((v + 1) * m)])
                    total += log(sumOfExponentials(row, scale: -inverse))
                }
                // Σ_v LSE_v − nv·(log m + log 2πh²), with LSE_v = −d₀/2h² + log(sum).
                let logLikelihood = total - sumOfMinima * inverse - Double(nv) * (log(Double(m)) + log(2 * Double.pi * h * h))
                if logLikelihood > best.logLikelihood { best = (h, logLikelihood) }
            }
        }
        return best.h
    }

    /// log q_h(x) of the isotropic Gaussian KDE on `samples` at every row of `points`.
    ///
    /// - Precondition: both are [·, 2]; `samples` is finite and non-empty; `bandwidth > 0`.
    public static func kdeLogDensity(at points: Matrix, samples: Matrix, bandwidth h: Double) -> [Double] {
        precondition(samples.rows > 0 && h > 0, "a KDE needs samples and a positive bandwidth")
        let (sx, sy) = columns(of: samples)
        let (px, py) = columns(of: points)
        let inverse = 1 / (2 * h * h)
        let normaliser = log(Double(samples.rows)) + log(2 * Double.pi * h * h)
        var row = [Double](repeating: 0, count: samples.rows)
        var result = [Double](repeating: 0, count: points.rows)
        sx.withUnsafeBufferPointer { sx in
            sy.withUnsafeBufferPointer { sy in
                row.withUnsafeMutableBufferPointer { row in
                    for i in 0..<points.rows {
                        squaredDistances(from: px[i], py[i], to: sx, sy, into: row)
                        result[i] = logSumExp(squaredDistances: UnsafeBufferPointer(row), scale: inverse) - normaliser
                    }
                }
            }
        }
        return result
    }
}
