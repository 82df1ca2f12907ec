import EBMCore
import Sweep

/// A sweep's ranked configurations as the tables a paper takes (`results.tex`), a reader skims
/// (`results.md`) and `report.html` shows: rank, the swept values (the configuration's name), the
/// ranking metric as mean ± sd with its 95 % t interval, the seeds that finished ok, and the
/// comparison with the best. Every other metric is in `results.csv`, which keeps the table narrow
/// enough for `\textwidth`.
public struct SweepTables: Sendable {
    public var sweepName: String
    /// "ml on swiss_roll".
    public var subject: String
    public var metric: RankingMetric
    /// The swept hyperparameters, in column order.
    public var swept: [String]
    /// In rank order.
    public var configurations: [ConfigurationResults]
    /// Rows of results.tex: a paper table longer than this is a page of numbers nobody reads.
    public var latexRowLimit = 20

    public init(sweepName: String, subject: String, metric: RankingMetric, swept: [String],
                configurations: [ConfigurationResults]) {
        self.sweepName = sweepName
        self.subject = subject
        self.metric = metric
        self.swept = swept
        self.configurations = configurations.sorted { $0.rank < $1.rank }
    }

    /// The shared table: `withConfigID` adds the configuration's hash after its rank (Markdown and
    /// HTML, where it finds `best/<rank>-<id>/`); `limit` keeps the first rows.
    public func table(withConfigID: Bool, limit: Int? = nil) -> Table {
        let shown = Array(configurations.prefix(limit ?? configurations.count))
        var columns = ["rank"] + (withConfigID ? ["config"] : []) + swept
        columns += [metric.rawValue, "95% interval", "seeds ok"]
        var table = Table(columns: columns)
        let valueColumns = swept.map { name in ColumnFormat.hyperparameterCells(shown.map { $0.values[name] }) }
        let summaries = shown.map(\.summary)
        let decimals = ColumnFormat.meanDecimals(summaries.compactMap { $0.map { ($0.mean, $0.sd) } })
        for (i, row) in shown.enumerated() {
            var cells: [Cell] = [.integer(row.rank)] + (withConfigID ? [.text(row.configID)] : [])
            cells += valueColumns.map { $0[i] }
            if let s = summaries[i] {
                cells.append(.numeral(ColumnFormat.fixed(s.mean, decimals) + " ± " + ColumnFormat.fixed(s.sd, decimals)))
                cells.append(s.interval.map { .numeral("[" + ColumnFormat.fixed($0.lowerBound, decimals) + ", "
                                                       + ColumnFormat.fixed($0.upperBound, decimals) + "]") } ?? .numeral("–"))
            } else {
                cells += [.numeral(row.status.rawValue), .numeral("–")]
            }
            cells.append(.numeral("\(row.okCount)/\(row.seeds)"))
            table.append(cells)
        }
        return table
    }

    /// What the columns mean, for captions and the Markdown's preamble.
    public var legend: String {
        "\(metric.rawValue) (\(metric.higherIsBetter ? "higher" : "lower") is better): mean ± sd over the ok seeds, "
            + "95% t interval of the mean (none for one seed); seeds ok of planned."
    }

    /// `results.md`: a title line, the legend, `notes` (anchors, the fixed hyperparameters), the table.
    public func markdown(notes: [String] = []) -> String {
        var out = "# \(sweepName): \(subject), ranked by \(metric.rawValue)\n\n" + legend + "\n\n"
        for note in notes { out += note + "\n\n" }
        return out + table(withConfigID: true).markdown()
    }

    /// `results.tex`: the first `latexRowLimit` rows in a table float labelled `label` (make it unique
    /// per sweep: two sweeps' tables can share a document).
    public func latex(label: String) -> String {
        var caption = "\(sweepName): \(subject), configurations ranked by \(metric.rawValue). " + legend
        if configurations.count > latexRowLimit {
            caption += " Best \(latexRowLimit) of \(configurations.count); all in results.csv."
        }
        return table(withConfigID: false, limit: latexRowLimit).latex(caption: caption, label: label)
    }
}
