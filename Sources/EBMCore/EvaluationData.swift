import Foundation

/// The fixed draws every run of a dataset is scored against (docs/design.md, "Metrics").
///
/// The held-out, validation and floor draws come from three fixed seeds, independent of any
/// training seed, so every run, every sweep and every machine scores against the same points.
/// Each dataset uses its own stream of each seed, so the three datasets' draws are unrelated.
public struct EvaluationData: Sendable {
    /// An axis-aligned box: x in [xmin, xmax], y in [ymin, ymax].
    public typealias Box = (xmin: Double, xmax: Double, ymin: Double, ymax: Double)

    /// Seed of the held-out draw (the points every NLL and distance is measured on).
    public static let heldOutSeed: UInt64 = 0x4845_4C44_4F55_5431 // "HELDOUT1"
    /// Seed of the validation draw (used only to choose the KDE bandwidth).
    public static let validationSeed: UInt64 = 0x5641_4C49_4441_5431 // "VALIDAT1"
    /// Seed of the floor draw (a fresh data draw scored like a model's samples).
    public static let floorSeed: UInt64 = 0x464C_4F4F_5244_5231 // "FLOORDR1"
    /// Size of the held-out draw.
    public static let heldOutCount = 5000
    /// Size of the validation draw.
    public static let validationCount = 1000

    public let dataset: DatasetName
    /// [5000, 2]
    public let heldOut: Matrix
    /// [1000, 2]
    public let validation: Matrix
    /// The data's box: the bounding box of the held-out draw.
    public let box: Box

    /// Draws the held-out and validation sets of `dataset` from their fixed seeds.
    public static func make(for dataset: DatasetName) -> EvaluationData {
        var heldOutRNG = RandomSource(seed: heldOutSeed, stream: stream(of: dataset))
        var validationRNG = RandomSource(seed: validationSeed, stream: stream(of: dataset))
        let heldOut = ToyData.sample(dataset, count: heldOutCount, using: &heldOutRNG)
        let validation = ToyData.sample(dataset, count: validationCount, using: &validationRNG)
        return EvaluationData(dataset: dataset, heldOut: heldOut, validation: validation,
                              box: boundingBox(of: heldOut))
    }

    /// A fresh data draw of `count` points from the fixed floor seed: the "floor" anchor, a
    /// perfect sampler's samples. The same count always gives the same points.
    ///
    /// - Precondition: `count >= 0`.
    public func floorSamples(count: Int) -> Matrix {
        var rng = RandomSource(seed: Self.floorSeed, stream: Self.stream(of: dataset))
        return ToyData.sample(dataset, count: count, using: &rng)
    }

    /// The bounding box of an [n, 2] matrix's finite rows (all zeros when there are none).
    ///
    /// - Precondition: `points.columns == 2`.
    public static func boundingBox(of points: Matrix) -> Box {
        precondition(points.columns == 2, "points must be [n, 2], got [\(points.rows), \(points.columns)]")
        var box: Box = (.infinity, -.infinity, .infinity, -.infinity)
        for i in 0..<points.rows {
            let x = points[i, 0], y = points[i, 1]
            guard x.isFinite, y.isFinite else { continue }
            box = (min(box.xmin, x), max(box.xmax, x), min(box.ymin, y), max(box.ymax, y))
        }
        return box.xmin <= box.xmax ? box : (0, 0, 0, 0)
    }

    /// `box` grown on each side by `fraction` of its width (in x) and height (in y).
    public static func expand(_ box: Box, by fraction: Double) -> Box {
        let dx = fraction * (box.xmax - box.xmin), dy = fraction * (box.ymax - box.ymin)
        return (box.xmin - dx, box.xmax + dx, box.ymin - dy, box.ymax + dy)
    }

    /// Stream label of a dataset: its position in `DatasetName.allCases`, plus one.
    private static func stream(of dataset: DatasetName) -> UInt64 {
        UInt64((DatasetName.allCases.firstIndex(of: dataset) ?? 0) + 1)
    }
}
