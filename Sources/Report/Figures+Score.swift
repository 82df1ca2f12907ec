import Sweep
import EBMCore

extension Figures {
    /// `score.svg` from a score function: `score` maps points [n, 2] to scores [n, 2] and is called
    /// twice, once on a `resolution`² grid (the magnitude heat map) and once on an
    /// `arrowsPerSide`² grid (the arrows). Precondition: resolution, arrowsPerSide ≥ 2; `score`
    /// returns [n, 2] for [n, 2].
    public static func scoreFigure(score: (Matrix) -> Matrix, box: PlotBox, resolution: Int = 120,
                                   arrowsPerSide: Int = 21, samples: Matrix? = nil,
                                   title: String = "Score ∇ₓ log p(x)") -> String {
        precondition(resolution >= 2 && arrowsPerSide >= 2, "grids need at least 2 cells a side")
        let gridPoints = box.gridPoints(columns: resolution, rows: resolution)
        let gridScores = score(gridPoints)
        precondition(gridScores.rows == gridPoints.rows && gridScores.columns == 2, "score must return [n, 2]")
        var magnitude = Matrix(rows: resolution, columns: resolution)
        for k in 0..<gridPoints.rows {
            magnitude.storage[k] = (gridScores[k, 0] * gridScores[k, 0] + gridScores[k, 1] * gridScores[k, 1]).squareRoot()
        }
        let origins = box.gridPoints(columns: arrowsPerSide, rows: arrowsPerSide)
        let vectors = score(origins)
        precondition(vectors.rows == origins.rows && vectors.columns == 2, "score must return [n, 2]")
        return scoreFigure(magnitude: magnitude, arrowOrigins: origins, arrowVectors: vectors, box: box,
                           arrowSpacing: box.width / Double(arrowsPerSide), samples: samples, title: title)
    }

    /// `score.svg` from precomputed grids: `magnitude` [ny, nx] (‖s‖ at `box.gridPoints`), arrows at
    /// `arrowOrigins` [m, 2] with raw scores `arrowVectors` [m, 2]. Arrows are scaled so the 90th
    /// percentile of their magnitudes spans 85 % of `arrowSpacing` (longer ones are capped there),
    /// keeping directions readable where the field is weak and strong alike.
    public static func scoreFigure(magnitude: Matrix, arrowOrigins: Matrix, arrowVectors: Matrix, box: PlotBox,
                                   arrowSpacing: Double, samples: Matrix? = nil,
                                   title: String = "Score ∇ₓ log p(x)", colorMap: ColorMap = .viridis) -> String {
        precondition(magnitude.rows >= 1 && magnitude.columns >= 1, "magnitude grid is empty")
        let top = Percentile.of(magnitude.storage, scorePercentileHigh) ?? 1
        let range = Percentile.displayable(0, top > 0 ? top : 1)
        var plot = spatialPlot(box: box, title: title, colorBar: true)
        plot.addImage(RasterImage(grid: magnitude.storage, rows: magnitude.rows, columns: magnitude.columns,
                                  range: range, colorMap: colorMap),
                      xRange: box.xRange, yRange: box.yRange)
        plot.setColorBar(colorMap: colorMap, range: range, label: "‖score‖, top clipped at 99th pct")
        plot.addArrows(origins: arrowOrigins,
                       vectors: scaledArrows(arrowVectors, spacing: arrowSpacing),
                       color: "#ffffff", lineWidth: 1.1)
        if let samples { plot.addPoints(samples, color: "#ff4081", radius: 1.2, opacity: 0.6, label: "samples") }
        return plot.render()
    }

    /// Arrow vectors in data units: length 0.85 · spacing · min(1, ‖v‖ / v₉₀).
    static func scaledArrows(_ vectors: Matrix, spacing: Double) -> Matrix {
        var lengths: [Double] = []
        for r in 0..<vectors.rows {
            lengths.append((vectors[r, 0] * vectors[r, 0] + vectors[r, 1] * vectors[r, 1]).squareRoot())
        }
        let reference = Percentile.of(lengths, 90) ?? 0
        var out = Matrix(rows: vectors.rows, columns: 2)
        for r in 0..<vectors.rows {
            let n = lengths[r]
            guard n.isFinite, n > 0, reference > 0 else {
                out[r, 0] = .nan
                out[r, 1] = .nan
                continue
            }
            let length = 0.85 * spacing * min(1, n / reference)
            out[r, 0] = vectors[r, 0] / n * length
            out[r, 1] = vectors[r, 1] / n * length
        }
        return out
    }
}
