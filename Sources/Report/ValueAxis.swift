import EBMCore
import Foundation

/// Where the values of one swept hyperparameter sit on a figure's axis: words as categories,
/// log-spaced numbers on a log₁₀ axis, other numbers on a linear one, with a tick at every value
/// when there are few (a grid's), else decades or nice linear ticks (random search).
struct ValueAxis: Sendable {
    enum Scale: Sendable, Equatable { case categorical, linear, log }

    /// More distinct values than this get decade or nice ticks instead of one tick each.
    static let maxValueTicks = 12

    let name: String
    /// The distinct values, in axis order.
    let values: [HyperparameterValue]
    let scale: Scale

    /// Precondition: at least one value is non-nil.
    init(name: String, values: [HyperparameterValue?]) {
        self.name = name
        let distinct = Array(Set(values.compactMap { $0 }))
        let numbers = distinct.compactMap(\.doubleValue).filter(\.isFinite)
        if numbers.count == distinct.count, !numbers.isEmpty {
            self.values = distinct.sorted { ($0.doubleValue ?? 0) < ($1.doubleValue ?? 0) }
            scale = Self.isLogSpaced(numbers.sorted()) ? .log : .linear
        } else {
            self.values = distinct.sorted { $0.description < $1.description }
            scale = .categorical
        }
        precondition(!self.values.isEmpty, "an axis needs a value")
    }

    /// Log when every value is positive, they span at least a factor of 3, and (with three or more)
    /// their log-gaps are more even than their gaps: 1e-4, 1e-3, 1e-2 is log; 10, 20, 30 is linear.
    static func isLogSpaced(_ sorted: [Double]) -> Bool {
        guard let first = sorted.first, let last = sorted.last, first > 0, last / first >= 3 else { return false }
        guard sorted.count >= 3 else { return true }
        func spread(_ xs: [Double]) -> Double {
            let gaps = zip(xs.dropFirst(), xs).map { $0 - $1 }
            let mean = gaps.reduce(0, +) / Double(gaps.count)
            let sd = (gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gaps.count)).squareRoot()
            return mean > 0 ? sd / mean : .infinity
        }
        return spread(sorted.map(log10)) <= spread(sorted)
    }

    /// The axis coordinate of `value` (index for categories, log₁₀ for log); nil if it is not on the axis.
    func position(_ value: HyperparameterValue?) -> Double? {
        guard let value else { return nil }
        switch scale {
        case .categorical: return values.firstIndex(of: value).map(Double.init)
        case .linear: return value.doubleValue
        case .log: return value.doubleValue.flatMap { $0 > 0 ? log10($0) : nil }
        }
    }

    var positions: [Double] { values.compactMap(position) }

    /// The smallest gap between neighbouring values (1 with a single value): the room a value's
    /// marks may take.
    var minimumGap: Double {
        let p = positions
        let gaps = zip(p.dropFirst(), p).map { $0 - $1 }.filter { $0 > 0 }
        return gaps.min() ?? 1
    }

    /// The positions' span, widened by half a gap on either side so edge values are not on the frame.
    var range: ClosedRange<Double> {
        let p = positions
        let low = (p.min() ?? 0) - minimumGap / 2, high = (p.max() ?? 0) + minimumGap / 2
        return high > low ? low...high : (low - 0.5)...(high + 0.5)
    }

    /// One tick per value when there are few; for many, decades on a log axis, nil (nice ticks) on a
    /// linear one.
    var ticks: [SVGPlot.Tick]? {
        if values.count <= Self.maxValueTicks || scale == .categorical {
            let labels = Self.labels(values)
            return zip(values, labels).compactMap { value, label in position(value).map { SVGPlot.Tick(value: $0, label: label) } }
        }
        guard scale == .log else { return nil }
        let r = range
        let decades = Int(r.lowerBound.rounded(.up))...max(Int(r.lowerBound.rounded(.up)), Int(r.upperBound.rounded(.down)))
        return decades.map { SVGPlot.Tick(value: Double($0), label: "1e\($0)") }
    }

    /// The values as a table column would print them (one format for the column).
    static func labels(_ values: [HyperparameterValue]) -> [String] {
        let table = Table(columns: ["v"])
        return ColumnFormat.hyperparameterCells(values).map(table.text)
    }

    /// "lr (log scale)".
    var label: String { scale == .log ? "\(name) (log scale)" : name }
}
