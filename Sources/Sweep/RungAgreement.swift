import EBMCore

/// How well one rung of a full-grid trace predicts the grid's final ranking. A rule that judges
/// configurations on their means at a rung sees the grid in that rung's order, so a rung whose
/// order is unrelated to the final one (rank correlation near 0) decides by chance
/// (docs/design.md, "What a rung knows"). `ebm-sweep replay` prints one row per rung it replays.
public struct RungAgreement: Sendable, Equatable {
    public var iteration: Int
    /// Configurations compared: those without a diverged seed (the ones a sweep ranks by their
    /// means), each on its seeds that ended ok, every one of which has a finite value here.
    public var configurations: Int
    /// Spearman's rank correlation between the configurations' means at the rung and their final
    /// means (1: the rung orders them as the final ranking does; 0: no relation; −1: reversed).
    public var rankCorrelation: Double?
    /// Where the grid's best (`ReplayOutcome.gridBest`) ranks among them at this rung, 1-based;
    /// tied means share their average rank. Nil when it is not among them.
    public var gridBestRank: Double?
    /// The standard deviation of the configurations' means at the rung: what there is to tell apart.
    public var spreadOfMeans: Double?
    /// The standard deviation of one seed's value around its configuration's mean, pooled over the
    /// configurations (as the seed-aware bound pools it, `RungRecord.pooledVariance`).
    public var seedSpread: Double?
    /// `seedSpread` over √n, n the configurations' mean number of seeds: the noise in one
    /// configuration's mean, on the same scale as `spreadOfMeans`.
    public var noiseInMean: Double?

    /// One row per iteration of `rungs`, in their order. The caller names them (a rule's rungs)
    /// rather than every iteration the trace holds: a hostile trace can hold hundreds of thousands.
    public static func measure(_ trace: ReplayTrace, rungs: [Int]) -> [RungAgreement] {
        let jobs = trace.jobs
        let diverging = Set(jobs.filter { $0.status == .diverged }.map(\.configID))
        let best = ReplayOutcome.ranked(Array(jobs.indices), of: jobs, metric: trace.metric, diverged: diverging).first?.config
        var seedsOf: [String: [ReplayTrace.TracedJob]] = [:]
        for job in jobs where job.status == .ok && job.finalMetric != nil && !diverging.contains(job.configID) {
            seedsOf[job.configID, default: []].append(job)
        }
        // Loss orientation (lower is better), as the rules see values.
        let sign: Double = trace.metric.higherIsBetter ? -1 : 1
        let finals = seedsOf.mapValues { seeds in sign * seeds.compactMap(\.finalMetric).reduce(0, +) / Double(seeds.count) }
        return rungs.map { iteration in
            var record = RungRecord()
            for (config, seeds) in seedsOf.sorted(by: { $0.key < $1.key }) {
                let values = seeds.compactMap { j in j.rungs.first { $0.iteration == iteration }?.metric }
                guard values.count == seeds.count, values.allSatisfy(\.isFinite) else { continue }
                for v in values { record.add(sign * v, unit: config) }
            }
            let configs = record.units
            let means = configs.map { record.mean(of: $0)! }
            let seedSpread = record.pooledVariance().map { $0.variance.squareRoot() }
            let seedsPerMean = Double(configs.map(record.count(of:)).reduce(0, +)) / Double(max(1, configs.count))
            return RungAgreement(
                iteration: iteration, configurations: configs.count,
                rankCorrelation: spearman(means, configs.map { finals[$0]! }),
                gridBestRank: configs.firstIndex { $0 == best }.map { ranks(means)[$0] },
                spreadOfMeans: configs.count > 1 ? MetricSummary(means)?.std : nil,
                seedSpread: seedSpread,
                noiseInMean: seedSpread.map { $0 / seedsPerMean.squareRoot() })
        }
    }

    /// Spearman's ρ: Pearson's correlation of the ranks, ties given their average rank; nil for
    /// fewer than three pairs or a constant side.
    static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 3 else { return nil }
        let (rx, ry) = (ranks(x), ranks(y))
        let (mx, my) = (rx.reduce(0, +) / Double(rx.count), ry.reduce(0, +) / Double(ry.count))
        var (sxy, sxx, syy) = (0.0, 0.0, 0.0)
        for i in rx.indices {
            sxy += (rx[i] - mx) * (ry[i] - my)
            sxx += (rx[i] - mx) * (rx[i] - mx)
            syy += (ry[i] - my) * (ry[i] - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : nil
    }

    /// 1-based ranks, ascending; tied values share the mean of the ranks they span.
    static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var result = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            for k in start...end { result[order[k]] = Double(start + end) / 2 + 1 }
            start = end + 1
        }
        return result
    }

    /// A Markdown table, one row per rung.
    public static func table(_ rows: [RungAgreement]) -> String {
        func f(_ x: Double?, _ format: String) -> String { x.map { String(format: format, $0) } ?? "–" }
        var lines = ["| rung | configurations | rank correlation with the final ranking | grid best's rank | spread of means "
                     + "| seed spread | noise in a mean |",
                     "|---:|---:|---:|---:|---:|---:|---:|"]
        for r in rows {
            lines.append("| \(r.iteration) | \(r.configurations) | \(f(r.rankCorrelation, "%.2f")) | \(f(r.gridBestRank, "%g")) | "
                         + "\(f(r.spreadOfMeans, "%.3f")) | \(f(r.seedSpread, "%.3f")) | \(f(r.noiseInMean, "%.3f")) |")
        }
        return lines.joined(separator: "\n")
    }
}
