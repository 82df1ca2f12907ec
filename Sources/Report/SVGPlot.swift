import EBMCore

/// A small deterministic SVG builder for one 2-D plot: linear axes with nice ticks, a title, axis
/// labels, marks (lines, bands, points, arrows, a raster image), an optional legend and colour bar.
///
/// Marks are stored in data coordinates and laid out only in `render()`, so adding a colour bar or
/// choosing an equal aspect after adding marks is fine. Numbers are printed with fixed decimals and
/// nothing depends on time, locale or randomness: identical inputs give identical bytes.
public struct SVGPlot: Sendable {
    /// Total figure size in CSS pixels.
    public var width: Double
    public var height: Double
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// The data range shown; marks outside are clipped.
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    /// One data unit is as long on x as on y (spatial data); the plot area shrinks to fit.
    public var equalAspect: Bool
    /// Light grid lines at the ticks (for line charts; heat maps look better without).
    public var showGrid: Bool
    /// Ticks placed by the caller (log axes, categories) instead of the nice linear ones.
    public var xTicks: [Tick]?
    public var yTicks: [Tick]?
    /// A small line under the title saying what the figure leaves out (e.g. where an axis clips).
    public var note = ""

    var marks: [Mark] = []
    var legendEntries: [LegendEntry] = []
    var colorBar: ColorBar?

    /// Precondition: both ranges have positive, finite width; width and height ≥ 100.
    public init(width: Double = 520, height: Double = 440, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                equalAspect: Bool = false, showGrid: Bool = false, title: String = "", xLabel: String = "x",
                yLabel: String = "y") {
        precondition(xRange.upperBound > xRange.lowerBound && (xRange.upperBound - xRange.lowerBound).isFinite,
                     "xRange must have positive finite width")
        precondition(yRange.upperBound > yRange.lowerBound && (yRange.upperBound - yRange.lowerBound).isFinite,
                     "yRange must have positive finite width")
        precondition(width >= 100 && height >= 100, "figure must be at least 100×100")
        self.width = width
        self.height = height
        self.xRange = xRange
        self.yRange = yRange
        self.equalAspect = equalAspect
        self.showGrid = showGrid
        self.xTicks = nil
        self.yTicks = nil
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// A polyline through the finite points; a non-finite x or y breaks the line into pieces.
    /// Precondition: `xs.count == ys.count`.
    public mutating func addLine(xs: [Double], ys: [Double], color: String, lineWidth: Double = 1.5,
                                 opacity: Double = 1, dashed: Bool = false, label: String? = nil) {
        precondition(xs.count == ys.count, "xs and ys differ in length")
        marks.append(.line(xs: xs, ys: ys, color: color, lineWidth: lineWidth, opacity: opacity, dashed: dashed))
        if let label { legendEntries.append(LegendEntry(label: label, color: color, style: .line)) }
    }

    /// A filled band between `lower` and `upper` over `xs` (e.g. a min/max envelope); points where any
    /// value is non-finite are skipped. Precondition: equal lengths.
    public mutating func addBand(xs: [Double], lower: [Double], upper: [Double], color: String,
                                 opacity: Double = 0.3, label: String? = nil) {
        precondition(xs.count == lower.count && xs.count == upper.count, "band arrays differ in length")
        marks.append(.band(xs: xs, lower: lower, upper: upper, color: color, opacity: opacity))
        if let label { legendEntries.append(LegendEntry(label: label, color: color, style: .band)) }
    }

    /// One `<circle>` per finite row of `points` ([n, 2]); non-finite rows are skipped.
    /// Precondition: `points.columns == 2` (or the matrix is empty).
    public mutating func addPoints(_ points: Matrix, color: String, radius: Double = 1.6, opacity: Double = 0.7,
                                   label: String? = nil) {
        precondition(points.columns == 2 || points.rows == 0, "points must be [n, 2]")
        marks.append(.points(points, color: color, radius: radius, opacity: opacity))
        if let label { legendEntries.append(LegendEntry(label: label, color: color, style: .point)) }
    }

    /// Arrows from each row of `origins` along the matching row of `vectors`, both [n, 2] in data
    /// units (the caller scales them). Rows with a non-finite entry are skipped.
    public mutating func addArrows(origins: Matrix, vectors: Matrix, color: String, lineWidth: Double = 1) {
        precondition(origins.rows == vectors.rows && (origins.rows == 0 || (origins.columns == 2 && vectors.columns == 2)),
                     "origins and vectors must both be [n, 2]")
        marks.append(.arrows(origins: origins, vectors: vectors, color: color, lineWidth: lineWidth))
    }

    /// Text centred (or `anchor`ed: start, middle, end) at a data point, e.g. a heat map cell's value.
    public mutating func addText(_ text: String, x: Double, y: Double, color: String = "#222222", size: Double = 11,
                                 anchor: String = "middle") {
        marks.append(.text(text, x: x, y: y, color: color, size: size, anchor: anchor))
    }

    /// A raster image stretched over the given data rectangle (row 0 of the image at the top).
    public mutating func addImage(_ image: RasterImage, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
        marks.append(.image(PNG.encode(image), xRange: xRange, yRange: yRange))
    }

    /// A vertical colour bar right of the plot for `range` under `colorMap`, labelled `label`.
    /// Precondition: `range` has positive finite width.
    public mutating func setColorBar(colorMap: ColorMap, range: ClosedRange<Double>, label: String) {
        precondition(range.upperBound > range.lowerBound && (range.upperBound - range.lowerBound).isFinite,
                     "colour bar range must have positive finite width")
        colorBar = ColorBar(colorMap: colorMap, range: range, label: label)
    }
}

extension SVGPlot {
    enum Mark: Sendable {
        case line(xs: [Double], ys: [Double], color: String, lineWidth: Double, opacity: Double, dashed: Bool)
        case band(xs: [Double], lower: [Double], upper: [Double], color: String, opacity: Double)
        case points(Matrix, color: String, radius: Double, opacity: Double)
        case arrows(origins: Matrix, vectors: Matrix, color: String, lineWidth: Double)
        case image([UInt8], xRange: ClosedRange<Double>, yRange: ClosedRange<Double>)
        case text(String, x: Double, y: Double, color: String, size: Double, anchor: String)
    }

    /// An axis tick: where, and what it says.
    public struct Tick: Sendable, Equatable {
        public var value: Double
        public var label: String

        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    struct LegendEntry: Sendable {
        enum Style: Sendable { case line, band, point }
        var label: String
        var color: String
        var style: Style
    }

    struct ColorBar: Sendable {
        var colorMap: ColorMap
        var range: ClosedRange<Double>
        var label: String
    }
}
