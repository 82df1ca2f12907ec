import Foundation

/// `swd`: the sliced Wasserstein-2 distance over fixed, evenly spaced directions.
extension Metrics {
    /// Number of projection directions.
    public static let sliceCount = 256

    /// The fixed unit directions u_k = (cos θ_k, sin θ_k), θ_k = π k / 256, k = 0…255: evenly
    /// spaced over the half circle (u and −u give the same 1-D Wasserstein distance), no randomness.
    public static let sliceDirections: [(x: Double, y: Double)] = (0..<sliceCount).map {
        let theta = Double.pi * Double($0) / Double(sliceCount)
        return (cos(theta), sin(theta))
    }

    /// The sliced Wasserstein-2 distance
    ///
    ///     SW₂(X, Y) = sqrt( (1/K) Σ_k W₂²(⟨X, u_k⟩, ⟨Y, u_k⟩) ),
    ///
    /// where each 1-D W₂² = ∫₀¹ (F⁻¹(q) − G⁻¹(q))² dq compares the empirical quantile functions of
    /// the projections, integrated exactly over the merged breakpoints i/m and j/n, so the two sets
    /// may differ in size. For Y = X + δ every slice gives ⟨δ, u_k⟩², and with these evenly spaced
    /// directions the mean of cos² is exactly ½, so SW₂ = ‖δ‖/√2.
    ///
    /// - Precondition: both are [·, 2], finite and non-empty.
    public static func slicedWasserstein(samples: Matrix, reference: Matrix) -> Double {
        precondition(samples.rows >= 1 && reference.rows >= 1, "sliced Wasserstein needs points in each set")
        let x = columns(of: samples), y = columns(of: reference)
        var a = [Double](repeating: 0, count: samples.rows)
        var b = [Double](repeating: 0, count: reference.rows)
        var total = 0.0
        for u in sliceDirections {
            for i in 0..<a.count { a[i] = u.x * x.x[i] + u.y * x.y[i] }
            for j in 0..<b.count { b[j] = u.x * y.x[j] + u.y * y.y[j] }
            a.sort()
            b.sort()
            total += wassersteinSquared(sortedA: a, sortedB: b)
        }
        return (total / Double(sliceDirections.count)).squareRoot()
    }

    /// W₂² between two 1-D empirical distributions given sorted values: on the quantile axis the
    /// a-value a_i holds on [i/m, (i+1)/m) and b_j on [j/n, (j+1)/n); the integral of their squared
    /// difference is summed piece by piece. Breakpoints are compared in integers,
    /// (i+1)/m vs (j+1)/n ⇔ (i+1)·n vs (j+1)·m, so equal breakpoints are exact.
    ///
    /// - Precondition: both non-empty and sorted ascending.
    static func wassersteinSquared(sortedA a: [Double], sortedB b: [Double]) -> Double {
        let m = a.count, n = b.count
        precondition(m > 0 && n > 0, "W2 needs non-empty sets")
        var i = 0, j = 0
        var q = 0.0, total = 0.0
        while i < m && j < n {
            let endA = (i + 1) * n, endB = (j + 1) * m // both scaled by m·n
            let next = Double(min(endA, endB)) / Double(m * n)
            let d = a[i] - b[j]
            total += (next - q) * d * d
            q = next
            if endA <= endB { i += 1 }
            if endB <= endA { j += 1 }
        }
        return total
    }
}
