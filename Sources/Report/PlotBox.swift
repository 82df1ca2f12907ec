import Sweep
import EBMCore

/// The data rectangle a figure shows, and the grid a model is evaluated on for heat maps.
///
/// The course's boxes: the standardised swiss roll fits in ±3; the eight Gaussians (centres at
/// radius 4, scaled by 0.7) sit in about ±3.5 and are shown in ±5; the rings (radii 0.5 and 1)
/// in ±1.5.
public struct PlotBox: Hashable, Sendable {
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>

    /// Precondition: both ranges have positive finite width.
    public init(x xRange: ClosedRange<Double>, y yRange: ClosedRange<Double>) {
        precondition(xRange.upperBound > xRange.lowerBound && (xRange.upperBound - xRange.lowerBound).isFinite,
                     "x range must have positive finite width")
        precondition(yRange.upperBound > yRange.lowerBound && (yRange.upperBound - yRange.lowerBound).isFinite,
                     "y range must have positive finite width")
        self.xRange = xRange
        self.yRange = yRange
    }

    /// The square [-halfWidth, halfWidth]². Precondition: halfWidth > 0.
    public init(halfWidth: Double) {
        precondition(halfWidth > 0 && halfWidth.isFinite, "halfWidth must be positive")
        self.init(x: -halfWidth...halfWidth, y: -halfWidth...halfWidth)
    }

    public static let swissRoll = PlotBox(halfWidth: 3)
    public static let gaussians = PlotBox(halfWidth: 5)
    public static let rings = PlotBox(halfWidth: 1.5)

    /// The course box of a dataset.
    public static func of(_ dataset: DatasetName) -> PlotBox {
        switch dataset {
        case .swissRoll: swissRoll
        case .rings: rings
        case .gaussians: gaussians
        }
    }

    /// The bounding box of the finite rows of `points` ([n, 2]), widened by `margin` × its larger
    /// side on every edge and made square (spatial data wants equal aspect). With no finite point
    /// it is ±1. Precondition: `points.columns == 2` or the matrix is empty; `margin >= 0`.
    public static func covering(_ points: Matrix, margin: Double = 0.1) -> PlotBox {
        precondition(points.columns == 2 || points.rows == 0, "points must be [n, 2]")
        precondition(margin >= 0, "margin must be non-negative")
        var lo = (Double.infinity, Double.infinity), hi = (-Double.infinity, -Double.infinity)
        // Coordinates beyond ±1e300 count as ±1e300, so the side below stays finite.
        let limit = Percentile.displayLimit
        for r in 0..<points.rows where points[r, 0].isFinite && points[r, 1].isFinite {
            let x = min(max(points[r, 0], -limit), limit), y = min(max(points[r, 1], -limit), limit)
            lo = (min(lo.0, x), min(lo.1, y))
            hi = (max(hi.0, x), max(hi.1, y))
        }
        guard lo.0.isFinite else { return PlotBox(halfWidth: 1) }
        // A single point or a line still gets a box of side ≥ 1e-3 (the smallest readable plot).
        let side = max(hi.0 - lo.0, hi.1 - lo.1, 1e-3) * (1 + 2 * margin)
        let cx = (lo.0 + hi.0) / 2, cy = (lo.1 + hi.1) / 2
        return PlotBox(x: (cx - side / 2)...(cx + side / 2), y: (cy - side / 2)...(cy + side / 2))
    }

    public var width: Double { xRange.upperBound - xRange.lowerBound }
    public var height: Double { yRange.upperBound - yRange.lowerBound }

    /// The centres of an nx × ny grid of equal cells, [ny·nx, 2], row-major with y outer: row
    /// `j * nx + i` is cell (column i, row j), row j = 0 at the *bottom* (smallest y). Evaluate a
    /// model on these and reshape the result to `Matrix(rows: ny, columns: nx, storage:)` to get
    /// the `grid` the heat-map figures take. Precondition: nx, ny ≥ 1.
    public func gridPoints(columns nx: Int, rows ny: Int) -> Matrix {
        precondition(nx >= 1 && ny >= 1, "grid needs at least one cell")
        var m = Matrix(rows: nx * ny, columns: 2)
        let dx = width / Double(nx), dy = height / Double(ny)
        for j in 0..<ny {
            for i in 0..<nx {
                m[j * nx + i, 0] = xRange.lowerBound + (Double(i) + 0.5) * dx
                m[j * nx + i, 1] = yRange.lowerBound + (Double(j) + 0.5) * dy
            }
        }
        return m
    }

    /// The area of one cell of an nx × ny grid (for quadrature).
    public func cellArea(columns nx: Int, rows ny: Int) -> Double {
        (width / Double(nx)) * (height / Double(ny))
    }
}
