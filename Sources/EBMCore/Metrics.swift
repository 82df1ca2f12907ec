import Foundation

/// The evaluation metrics of docs/design.md, "Metrics": pure functions of a run's samples (and, for
/// `nll`, its energy) against the fixed evaluation draws of its dataset.
///
/// `evaluate` returns every metric under its contract name. Non-finite samples count as escaped
/// and are dropped before every other metric; the distance metrics then use the first
/// `maxKDESamples` finite samples, like the KDE, so their cost is bounded for any sample count.
public enum Metrics {
    /// The contract metric names (docs/design.md, "Metrics"): the keys of `evaluate`'s dictionary.
    public enum Name {
        public static let kdeNLL = "kde_nll"
        public static let nll = "nll"
        public static let precision = "precision"
        public static let recall = "recall"
        public static let mmd = "mmd"
        public static let swd = "swd"
        public static let energyDistance = "energy_distance"
        public static let escaped = "escaped"
        public static let floorKDENLL = "floor_kde_nll"
        public static let oracleNLL = "oracle_nll"
        /// Also reported: the bandwidth `kde_nll` chose (a diagnostic, not a contract name).
        public static let kdeBandwidth = "kde_bandwidth"
    }

    /// Every metric of `samples` of `dataset`, by contract name, against `EvaluationData.make(for:)`.
    /// `nll` is present only when `energy` is given. See the other overload.
    public static func evaluate(samples: Matrix, dataset: DatasetName, energy: ((Matrix) -> [Double])?) -> [String: Double] {
        evaluate(samples: samples, evaluation: .make(for: dataset), energy: energy)
    }

    /// Every metric of `samples` against `evaluation`, by contract name: `measure` with the
    /// non-finite values left out.
    ///
    /// A metric that is undefined or non-finite (for example every sample non-finite, or fewer
    /// than k + 1 finite samples for precision and recall) is **left out** of the dictionary rather
    /// than stored as NaN or ∞, so the result always encodes as JSON; a missing ranking metric
    /// ranks last. Whether a run diverged is judged on `measure`'s values (see `RunVerdict`).
    ///
    /// - Precondition: `samples` is [n, 2].
    public static func evaluate(samples: Matrix, evaluation: EvaluationData, energy: ((Matrix) -> [Double])?,
                                quadratureResolution: Int = defaultQuadratureResolution) -> [String: Double]
    {
        measure(samples: samples, evaluation: evaluation, energy: energy, quadratureResolution: quadratureResolution)
            .filter { $0.value.isFinite }
    }

    /// Every metric that is defined for `samples`, as computed: a value may be NaN or ±∞ (a KDE
    /// that gives the held-out points zero density, a normaliser that overflows).
    ///
    /// - `escaped` over all samples; the rest over the finite samples (at most 3000 of them).
    /// - `floor_kde_nll`: a floor draw of as many points as the KDE used, scored like samples.
    /// - `oracle_nll`: the true density's NLL on the held-out draw.
    /// - `nll`: `modelNLL` over the data's box grown by `quadratureMargin` on each side.
    ///
    /// Undefined metrics are absent: with no finite sample only `escaped`, `oracle_nll` and `nll`
    /// are measured; `precision`/`recall` need more than k finite samples, `mmd` two.
    ///
    /// - Precondition: `samples` is [n, 2].
    public static func measure(samples: Matrix, evaluation: EvaluationData, energy: ((Matrix) -> [Double])?,
                               quadratureResolution: Int = defaultQuadratureResolution) -> [String: Double]
    {
        precondition(samples.columns == 2, "samples must be [n, 2], got [\(samples.rows), \(samples.columns)]")
        var result: [String: Double] = [:]
        let heldOut = evaluation.heldOut
        result[Name.escaped] = escapedFraction(samples: samples, box: evaluation.box)
        result[Name.oracleNLL] = OracleDensity.nll(evaluation.dataset, heldOut: heldOut)

        let kept = finiteRows(of: samples, limit: maxKDESamples)
        if kept.rows > 0 {
            let kde = kdeNLL(samples: kept, heldOut: heldOut, validation: evaluation.validation)
            result[Name.kdeNLL] = kde.nll
            result[Name.kdeBandwidth] = kde.bandwidth
            let floor = evaluation.floorSamples(count: kept.rows)
            result[Name.floorKDENLL] = kdeNLL(samples: floor, heldOut: heldOut, validation: evaluation.validation).nll
            if kept.rows > nearestNeighbourCount {
                let pr = precisionRecall(samples: kept, reference: heldOut)
                result[Name.precision] = pr.precision
                result[Name.recall] = pr.recall
            }
            if kept.rows >= 2 {
                result[Name.mmd] = mmd(samples: kept, reference: heldOut, bandwidth: medianPairwiseDistance(heldOut))
            }
            result[Name.swd] = slicedWasserstein(samples: kept, reference: heldOut)
            result[Name.energyDistance] = energyDistance(samples: kept, reference: heldOut)
        }
        if let energy {
            let box = EvaluationData.expand(evaluation.box, by: quadratureMargin)
            result[Name.nll] = modelNLL(energy: energy, heldOut: heldOut, box: box, resolution: quadratureResolution)
        }
        return result
    }

    /// A sample is "far" outside the box when it lies more than one box width beyond it in x, or
    /// more than one box height beyond it in y: x < xmin − w or x > xmax + w (w = xmax − xmin),
    /// likewise for y. Samples within that band are imperfect but not escaped.
    public static let escapeMarginInBoxSizes = 1.0

    /// `escaped`: the share of samples (all rows) that are non-finite or far outside `box`
    /// (see `escapeMarginInBoxSizes`). 0 for an empty matrix.
    ///
    /// - Precondition: `samples` is [n, 2].
    public static func escapedFraction(samples: Matrix, box: EvaluationData.Box) -> Double {
        precondition(samples.columns == 2, "samples must be [n, 2]")
        guard samples.rows > 0 else { return 0 }
        let allowed = EvaluationData.expand(box, by: escapeMarginInBoxSizes)
        var escaped = 0
        for i in 0..<samples.rows {
            let x = samples[i, 0], y = samples[i, 1]
            let inside = x >= allowed.xmin && x <= allowed.xmax && y >= allowed.ymin && y <= allowed.ymax
            if !inside { escaped += 1 } // NaN fails every comparison, ±∞ fails a bound.
        }
        return Double(escaped) / Double(samples.rows)
    }
}
