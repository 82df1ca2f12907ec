import Foundation

/// The true generating densities of the three datasets, for the `oracle_nll` anchor.
///
/// Each is a mixture of isotropic Gaussians along a curve, p(x) = ∫ N(x; c(τ), σ² I₂) dμ(τ):
/// - gaussians: eight points c_k = 0.7·centre_k, σ = 0.7·0.5 = 0.35, weights 1/8 — closed form;
/// - rings: circles of radius 0.5 and 1 (weight ½ each), angle uniform, σ = 0.03 — the angle
///   integral by the periodic trapezoid rule with `circleNodes` nodes (spectrally accurate;
///   the Gaussian's angular width on the outer circle is 0.03 rad, ≈ 5 node spacings);
/// - swiss roll: c(t) = (t cos t, t sin t), t uniform on [1.5π, 4.5π]. The noise is N(0, 0.25·I₃)
///   in 3-D; dropping coordinate 1 leaves N(0, 0.25·I₂) in 2-D, so σ = 0.5 before standardisation.
///   The data are standardised by their sample moments; the oracle uses the *population* moments
///   μ_c, s_c of each column, computed by quadrature over t (`swissRollMoments`), so
///   p_z(z) = p_x(μ + s ⊙ z) · s₀ s₁. The t integral uses the midpoint rule with `curveNodes` nodes.
///
/// Every log-density is a log-sum-exp over the mixture's nodes, so far points never underflow.
public enum OracleDensity {
    /// Nodes of the rings' angle quadrature, per circle.
    public static let circleNodes = 1024
    /// Nodes of the swiss roll's curve-parameter quadrature.
    public static let curveNodes = 4096
    /// Nodes of the quadrature for the swiss roll's population moments (cheap: once per call).
    static let momentNodes = 200_000

    /// log p(x) of the true density of `dataset` at every row of `points`.
    ///
    /// - Parameter nodes: overrides `circleNodes` / `curveNodes` (for convergence checks);
    ///   ignored for the gaussians.
    /// - Precondition: `points` is [n, 2]; `nodes`, if given, is at least 2.
    public static func logDensity(_ dataset: DatasetName, at points: Matrix, nodes: Int? = nil) -> [Double] {
        precondition(points.columns == 2, "points must be [n, 2]")
        precondition(nodes.map { $0 >= 2 } ?? true, "quadrature needs at least 2 nodes")
        switch dataset {
        case .gaussians:
            let s = ToyData.gaussianScale
            let centres = ToyData.gaussianCentres.map { (s * $0.x, s * $0.y) }
            return mixtureLogDensity(at: points, centres: centres, sigma: s * ToyData.gaussianSpread)
        case .rings:
            let k = nodes ?? circleNodes
            var centres: [(Double, Double)] = []
            for r in ToyData.ringRadii {
                for j in 0..<k {
                    let theta = 2 * Double.pi * Double(j) / Double(k)
                    centres.append((r * cos(theta), r * sin(theta)))
                }
            }
            return mixtureLogDensity(at: points, centres: centres, sigma: ToyData.ringNoise)
        case .swissRoll:
            let k = nodes ?? curveNodes
            let moments = swissRollMoments()
            let a = ToyData.swissRollParameterRange.lowerBound
            let width = ToyData.swissRollParameterRange.upperBound - a
            let centres: [(Double, Double)] = (0..<k).map {
                let t = a + (Double($0) + 0.5) * width / Double(k)
                return (t * cos(t), t * sin(t))
            }
            // Map the standardised points back to raw coordinates, then add log of the Jacobian.
            var raw = points
            for i in 0..<raw.rows {
                raw[i, 0] = moments.mean.x + moments.std.x * points[i, 0]
                raw[i, 1] = moments.mean.y + moments.std.y * points[i, 1]
            }
            let logJacobian = log(moments.std.x) + log(moments.std.y)
            return mixtureLogDensity(at: raw, centres: centres, sigma: ToyData.swissRollNoise).map { $0 + logJacobian }
        }
    }

    /// The oracle NLL: −(1/n) Σ log p(x_i) over the rows of `heldOut`, in nats.
    ///
    /// - Precondition: `heldOut` is [n, 2] with n ≥ 1.
    public static func nll(_ dataset: DatasetName, heldOut: Matrix) -> Double {
        precondition(heldOut.rows >= 1, "the oracle NLL needs at least one point")
        let logP = logDensity(dataset, at: heldOut)
        return -logP.reduce(0, +) / Double(logP.count)
    }

    /// Population mean and standard deviation of the swiss roll's raw columns 0 and 2:
    /// with t uniform on [a, b] and noise variance σ² = 0.25,
    ///
    ///     μ₀ = E[t cos t],  s₀² = E[t² cos² t] − μ₀² + σ²   (and likewise with sin for column 2),
    ///
    /// each expectation by the midpoint rule with `momentNodes` nodes. (Closed forms for checking:
    /// μ₀ = 6π / 3π = 2, μ₂ = 2 / 3π.)
    public static func swissRollMoments() -> (mean: (x: Double, y: Double), std: (x: Double, y: Double)) {
        let a = ToyData.swissRollParameterRange.lowerBound
        let width = ToyData.swissRollParameterRange.upperBound - a
        var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0
        for j in 0..<momentNodes {
            let t = a + (Double(j) + 0.5) * width / Double(momentNodes)
            let x = t * cos(t), y = t * sin(t)
            sx += x; sy += y; sxx += x * x; syy += y * y
        }
        let n = Double(momentNodes)
        let noiseVariance = ToyData.swissRollNoise * ToyData.swissRollNoise
        let mx = sx / n, my = sy / n
        return ((mx, my), ((sxx / n - mx * mx + noiseVariance).squareRoot(), (syy / n - my * my + noiseVariance).squareRoot()))
    }

    /// log of (1/K) Σ_k N(x; c_k, σ² I₂) at every row of `points`:
    /// LSE_k(−‖x − c_k‖² / 2σ²) − log K − log(2πσ²).
    static func mixtureLogDensity(at points: Matrix, centres: [(Double, Double)], sigma: Double) -> [Double] {
        let cx = centres.map(\.0), cy = centres.map(\.1)
        let inverse = 1 / (2 * sigma * sigma)
        let normaliser = log(Double(centres.count)) + log(2 * Double.pi * sigma * sigma)
        var row = [Double](repeating: 0, count: centres.count)
        var result = [Double](repeating: 0, count: points.rows)
        cx.withUnsafeBufferPointer { cx in
            cy.withUnsafeBufferPointer { cy in
                row.withUnsafeMutableBufferPointer { row in
                    for i in 0..<points.rows {
                        Metrics.squaredDistances(from: points[i, 0], points[i, 1], to: cx, cy, into: row)
                        result[i] = Metrics.logSumExp(squaredDistances: UnsafeBufferPointer(row), scale: inverse) - normaliser
                    }
                }
            }
        }
        return result
    }
}
