import EBMCore

/// How well one rung of a full-grid trace predicts the grid's final ranking: what a stopping
/// rule can know there at best. Any rule that ranks configurations by their rung means judges on
/// this ordering, so a rung that does not predict the final (rank correlation near 0) can only
/// stop the eventual best by chance or keep nearly everything (docs/design.md, "What a rung
/// knows"). `ebm-sweep replay` prints one row per rung the trace recorded.
public struct RungAgreement: Sendable, Equatable {
    public var iteration: Int
    /// Configurations compared: every seed ran to an ok end in the full grid and was evaluated
    /// at this rung.
    public var configurations: Int
    /// Spearman's rank correlation between the configurations' means at the rung and at the end
    /// (1: the rung orders them as the end does; 0: no relation; −1: reversed).
    public var rankCorrelation: Double?
    /// Where the grid's final best ranks among them at this rung, 1-based.
    public var gridBestRank: Int?
    /// The standard deviation of the configurations' rung means (what there is to tell apart)…
    public var spreadOfMeans: Double?
    /// …and the seeds' standard deviation within a configuration, pooled over them (the noise a
    /// configuration's mean is read through).
    public var seedSpread: Double?

    /// One row per rung iteration the trace recorded, ascending.
    public static func measure(_ trace: ReplayTrace) -> [RungAgreement] {
        // Configurations every one of whose seeds ended ok: the ones with a final ranking.
        var byConfig: [String: [ReplayTrace.TracedJob]] = [:]
        for job in trace.jobs { byConfig[job.configID, default: []].append(job) }
        let complete = byConfig.filter { _, jobs in jobs.allSatisfy { $0.status == .ok && $0.finalMetric != nil } }
        let finals = complete.compactMapValues { jobs in MetricSummary(jobs.compactMap(\.finalMetric)) }
        let better = { (a: Double, b: Double) in trace.metric.isBetter(a, than: b) }
        let best = finals.min { a, b in a.value.mean != b.value.mean ? better(a.value.mean, b.value.mean) : a.key < b.key }?.key
        let iterations = Set(trace.jobs.flatMap { $0.rungs.map(\.iteration) }).sorted()
        return iterations.map { iteration in
            var atRung: [String: [Double]] = [:]
            for (config, jobs) in complete {
                let values = jobs.compactMap { j in j.rungs.first { $0.iteration == iteration }?.metric }
                if values.count == jobs.count, values.allSatisfy(\.isFinite) { atRung[config] = values }
            }
            let means = atRung.compactMapValues { MetricSummary($0)?.mean }
            let ids = means.keys.sorted()
            let order = ids.sorted { a, b in means[a]! != means[b]! ? better(means[a]!, means[b]!) : a < b }
            return RungAgreement(
                iteration: iteration, configurations: ids.count,
                rankCorrelation: spearman(ids.map { means[$0]! }, ids.map { finals[$0]!.mean }),
                gridBestRank: best.flatMap { order.firstIndex(of: $0) }.map { $0 + 1 },
                spreadOfMeans: ids.count > 1 ? MetricSummary(ids.map { means[$0]! })?.std : nil,
                seedSpread: pooledStandardDeviation(atRung.values))
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

    /// √(Σ (nᵢ − 1)·sᵢ² / Σ (nᵢ − 1)) over the groups of two values or more; nil without one.
    static func pooledStandardDeviation(_ groups: some Collection<[Double]>) -> Double? {
        var (squares, degrees) = (0.0, 0)
        for g in groups where g.count > 1 {
            let mean = g.reduce(0, +) / Double(g.count)
            squares += g.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            degrees += g.count - 1
        }
        return degrees > 0 ? (squares / Double(degrees)).squareRoot() : nil
    }

    /// A Markdown table, one row per rung.
    public static func table(_ rows: [RungAgreement]) -> String {
        func f(_ x: Double?, _ format: String) -> String { x.map { String(format: format, $0) } ?? "–" }
        var lines = ["| rung | configurations | rank correlation with the final | grid best's rank | spread of means | seed spread |",
                     "|---:|---:|---:|---:|---:|---:|"]
        for r in rows {
            lines.append("| \(r.iteration) | \(r.configurations) | \(f(r.rankCorrelation, "%.2f")) | "
                         + "\(r.gridBestRank.map(String.init) ?? "–") | \(f(r.spreadOfMeans, "%.3f")) | \(f(r.seedSpread, "%.3f")) |")
        }
        return lines.joined(separator: "\n")
    }
}
