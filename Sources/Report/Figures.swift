import Sweep
import EBMCore
import Foundation

/// The project's named figures (file names of docs/design.md, "The sweep directory": `energy.svg`,
/// `density.svg`, `score.svg`, `samples.svg`, `loss.svg`, `dataset.svg`). Each takes plain data and
/// returns the SVG text; the caller writes it. Heat maps take a `grid` [ny, nx] evaluated at
/// `PlotBox.gridPoints(columns:rows:)` (row 0 at the bottom).
public enum Figures {
    /// Energy heat maps clip their colour range to these percentiles of the finite grid values:
    /// far from the data an energy grows without bound and would otherwise flatten the structure.
    public static let energyPercentiles = (low: 1.0, high: 90.0)
    /// Density and score-magnitude heat maps clip only the top (a few sharp peaks would wash out
    /// everything else); their floor stays at 0.
    public static let densityPercentileHigh = 99.5
    public static let scorePercentileHigh = 99.0

    static let dataColor = "#1f77b4"
    static let sampleColor = "#ff7f0e"
    static let overlayColor = "#00e5ff"

    /// `energy.svg`: the energy f(x) as one embedded PNG with a colour bar, colours clipped to the
    /// 1st–90th percentile (`energyPercentiles`), optional samples on top. Precondition: `grid` has at least one cell.
    public static func energyFigure(grid: Matrix, box: PlotBox, samples: Matrix? = nil,
                                    title: String = "Energy f(x)", colorMap: ColorMap = .inferno) -> String {
        precondition(grid.rows >= 1 && grid.columns >= 1, "energy grid is empty")
        let range = Percentile.range(grid.storage, low: energyPercentiles.low, high: energyPercentiles.high) ?? (0...1)
        var plot = spatialPlot(box: box, title: title, colorBar: true)
        plot.addImage(RasterImage(grid: grid.storage, rows: grid.rows, columns: grid.columns, range: range, colorMap: colorMap),
                      xRange: box.xRange, yRange: box.yRange)
        plot.setColorBar(colorMap: colorMap, range: range, label: "energy f(x), clipped to 1st–90th pct")
        if let samples { plot.addPoints(samples, color: overlayColor, radius: 1.2, opacity: 0.6, label: "samples") }
        return plot.render()
    }

    /// `density.svg`: p(x) = exp(−f(x))/z with z by quadrature over the grid cells (log-sum-exp),
    /// so the picture integrates to 1 over the box. Precondition: `grid` has at least one cell.
    public static func densityFigure(grid: Matrix, box: PlotBox, samples: Matrix? = nil,
                                     title: String = "Density exp(−f)/z", colorMap: ColorMap = .viridis) -> String {
        let density = normalizedDensity(energyGrid: grid, box: box)
        let top = Percentile.of(density.storage, densityPercentileHigh) ?? 1
        let range = Percentile.displayable(0, top > 0 ? top : 1)
        var plot = spatialPlot(box: box, title: title, colorBar: true)
        plot.addImage(RasterImage(grid: density.storage, rows: density.rows, columns: density.columns, range: range,
                                  colorMap: colorMap),
                      xRange: box.xRange, yRange: box.yRange)
        plot.setColorBar(colorMap: colorMap, range: range, label: "density p(x), top clipped at 99.5th pct")
        if let samples { plot.addPoints(samples, color: "#ff4081", radius: 1.2, opacity: 0.6, label: "samples") }
        return plot.render()
    }

    /// exp(−f)/z on the grid, z = Σ exp(−f) · cell area computed as exp(logsumexp(−f)) · area.
    /// Non-finite energies (overflow far away, or NaN) count as density 0; with no finite energy the
    /// result is all zeros. Precondition: `energyGrid` has at least one cell.
    public static func normalizedDensity(energyGrid: Matrix, box: PlotBox) -> Matrix {
        precondition(energyGrid.rows >= 1 && energyGrid.columns >= 1, "energy grid is empty")
        let negative = energyGrid.storage.map { $0.isFinite ? -$0 : -Double.infinity }
        let peak = negative.max() ?? -.infinity
        var out = Matrix(rows: energyGrid.rows, columns: energyGrid.columns)
        guard peak.isFinite else { return out }
        let sum = negative.reduce(0) { $0 + exp($1 - peak) }
        let logZ = peak + log(sum) + log(box.cellArea(columns: energyGrid.columns, rows: energyGrid.rows))
        for k in negative.indices { out.storage[k] = exp(negative[k] - logZ) }
        return out
    }

    /// `samples.svg`: model samples over held-out data, two colours, legend, equal aspect.
    public static func samplesFigure(samples: Matrix, data: Matrix, box: PlotBox,
                                     title: String = "Samples and held-out data") -> String {
        var plot = spatialPlot(box: box, title: title, colorBar: false)
        plot.addPoints(data, color: dataColor, radius: 1.5, opacity: 0.45, label: "held-out data")
        plot.addPoints(samples, color: sampleColor, radius: 1.5, opacity: 0.6, label: "samples")
        return plot.render()
    }

    /// `dataset.svg`: the training or held-out points alone.
    public static func datasetFigure(data: Matrix, box: PlotBox, title: String = "Dataset") -> String {
        var plot = spatialPlot(box: box, title: title, colorBar: false)
        plot.addPoints(data, color: dataColor, radius: 1.5, opacity: 0.5)
        return plot.render()
    }

    /// A square-data plot sized so the plot area is about 400 px a side, with or without a bar.
    static func spatialPlot(box: PlotBox, title: String, colorBar: Bool) -> SVGPlot {
        SVGPlot(width: colorBar ? 600 : 500, height: 480, xRange: box.xRange, yRange: box.yRange,
                equalAspect: true, title: title, xLabel: "x₁", yLabel: "x₂")
    }
}
