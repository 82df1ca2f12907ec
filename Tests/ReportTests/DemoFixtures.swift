import EBMCore
import Foundation
@testable import Report

/// Toy inputs for the figure tests and the demo renders: the rings density and its energy in
/// closed form, so no model is needed.
enum DemoFixtures {
    /// Two rings of radius 0.5 and 1.0 with Gaussian radial noise of std 0.05 (wider than the
    /// course's 0.03 so a 200² grid resolves them).
    static let ringWidth = 0.05

    /// f(x) = −log Σ_r exp(−(‖x‖ − r)² / (2w²)), the rings' energy up to a constant.
    static func ringEnergy(_ x: Double, _ y: Double) -> Double {
        let n = (x * x + y * y).squareRoot()
        let a = -(n - 0.5) * (n - 0.5) / (2 * ringWidth * ringWidth)
        let b = -(n - 1.0) * (n - 1.0) / (2 * ringWidth * ringWidth)
        let m = max(a, b)
        return -(m + log(exp(a - m) + exp(b - m)))
    }

    /// The energy on `box.gridPoints`, reshaped to [ny, nx].
    static func ringEnergyGrid(box: PlotBox, nx: Int, ny: Int) -> Matrix {
        let points = box.gridPoints(columns: nx, rows: ny)
        var grid = Matrix(rows: ny, columns: nx)
        for k in 0..<points.rows { grid.storage[k] = ringEnergy(points[k, 0], points[k, 1]) }
        return grid
    }

    /// The score −∇f by central differences (h = 1e-5: the energy is smooth on that scale).
    static func ringScore(_ points: Matrix) -> Matrix {
        let h = 1e-5
        var out = Matrix(rows: points.rows, columns: 2)
        for r in 0..<points.rows {
            let x = points[r, 0], y = points[r, 1]
            out[r, 0] = -(ringEnergy(x + h, y) - ringEnergy(x - h, y)) / (2 * h)
            out[r, 1] = -(ringEnergy(x, y + h) - ringEnergy(x, y - h)) / (2 * h)
        }
        return out
    }

    /// n points on the rings, seeded.
    static func ringPoints(_ n: Int, seed: UInt64, noise: Double = 0.03) -> Matrix {
        var rng = RandomSource(seed: seed)
        var m = Matrix(rows: n, columns: 2)
        for r in 0..<n {
            let radius = rng.uniform() < 0.5 ? 0.5 : 1.0
            let t = rng.uniform(0, 2 * Double.pi)
            m[r, 0] = radius * cos(t) + noise * rng.gaussian()
            m[r, 1] = radius * sin(t) + noise * rng.gaussian()
        }
        return m
    }

    /// A CD-like loss history: noisy decay around a negative floor, one spike and a NaN.
    static func lossHistory(_ n: Int, seed: UInt64) -> [Double] {
        var rng = RandomSource(seed: seed)
        var h = (0..<n).map { i in 2 * exp(-Double(i) / Double(max(n / 5, 1))) - 0.3 + 0.15 * rng.gaussian() }
        if n > 20 { h[n / 3] = 40; h[n / 2] = .nan }
        return h
    }
}
