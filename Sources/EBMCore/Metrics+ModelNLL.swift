import Foundation

/// `nll`: the held-out negative log-likelihood of an energy model itself, p(x) = exp(−E(x)) / z,
/// with z by quadrature on a grid: exact enough in 2-D, and independent of any sampler.
extension Metrics {
    /// Rows per call of the energy closure, so a fine grid never needs one huge batch.
    public static let energyChunkRows = 4096
    /// Default grid: 200 × 200 cells. On the rings' quadrature box (≈ 3.3 wide) a cell is ≈ 0.017,
    /// about half the rings' noise σ = 0.03, which the midpoint rule integrates to high accuracy.
    public static let defaultQuadratureResolution = 200
    /// The quadrature box is the data's box grown by this fraction of its width and height on each
    /// side, so the model's mass near the data but outside its extreme points is counted.
    public static let quadratureMargin = 0.25

    /// The held-out NLL of the density exp(−E(x))/z, in nats:
    ///
    ///     log z ≈ LSE_c( −E(x_c) ) + log(Δx Δy)     (midpoint rule: x_c the cell centres of a
    ///                                               resolution × resolution grid over `box`)
    ///     nll   = (1/N) Σ_i E(x_i) + log z           over the held-out rows x_i.
    ///
    /// Mass outside `box` is ignored, so z is a lower bound and the NLL slightly optimistic when the
    /// model leaks mass far from the data. Returns NaN if any energy is non-finite.
    ///
    /// - Parameter energy: maps an [r, 2] chunk (r ≤ `energyChunkRows`) to its r energies.
    /// - Precondition: `heldOut` is [N, 2] with N ≥ 1; the box has positive width and height;
    ///   `resolution >= 1`; `energy` returns one value per row.
    public static func modelNLL(energy: (Matrix) -> [Double], heldOut: Matrix, box: EvaluationData.Box,
                                resolution: Int) -> Double
    {
        precondition(heldOut.columns == 2 && heldOut.rows >= 1, "held-out points must be [N, 2], N ≥ 1")
        precondition(box.xmax > box.xmin && box.ymax > box.ymin, "the quadrature box must have positive area")
        precondition(resolution >= 1, "resolution must be positive, got \(resolution)")
        let dx = (box.xmax - box.xmin) / Double(resolution)
        let dy = (box.ymax - box.ymin) / Double(resolution)
        var grid = Matrix(rows: resolution * resolution, columns: 2)
        for i in 0..<resolution {
            for j in 0..<resolution {
                grid[i * resolution + j, 0] = box.xmin + (Double(i) + 0.5) * dx
                grid[i * resolution + j, 1] = box.ymin + (Double(j) + 0.5) * dy
            }
        }
        let gridEnergies = energies(of: grid, energy: energy)
        let heldOutEnergies = energies(of: heldOut, energy: energy)
        guard gridEnergies.allSatisfy(\.isFinite), heldOutEnergies.allSatisfy(\.isFinite) else { return .nan }
        let logZ = logSumExp(gridEnergies.map { -$0 }) + log(dx * dy)
        return heldOutEnergies.reduce(0, +) / Double(heldOut.rows) + logZ
    }

    /// The energies of every row of `points`, computed `energyChunkRows` rows at a time.
    static func energies(of points: Matrix, energy: (Matrix) -> [Double]) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(points.rows)
        var start = 0
        while start < points.rows {
            let end = min(start + energyChunkRows, points.rows)
            let chunk = Matrix(rows: end - start, columns: 2,
                               storage: Array(points.storage[(2 * start)..<(2 * end)]))
            let values = energy(chunk)
            precondition(values.count == chunk.rows, "energy returned \(values.count) values for \(chunk.rows) rows")
            result.append(contentsOf: values)
            start = end
        }
        return result
    }
}
