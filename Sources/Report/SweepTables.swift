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
    /// Each configuration against the best.
    public var comparison: BestComparison
    /// Rows of results.tex: a paper table longer than this is a page of numbers nobody reads.
    public var latexRowLimit = 20
    /// Set while the sweep runs ("Partial: 12 of 24 jobs finished (written …)."): leads results.md
    /// and ends the LaTeX caption, so a partial table is never mistaken for the final one.
    public var progress: String?

    public init(sweepName: String, subject: String, metric: RankingMetric, swept: [String],
                configurations: [ConfigurationResults]) {
        self.sweepName = sweepName
        self.subject = subject
        self.metric = metric
        self.swept = swept
        self.configurations = configurations.sorted { $0.rank < $1.rank }
        comparison = BestComparison(configurations: configurations, metric: metric)
    }

    /// The shared table: `withConfigID` adds the configuration's hash after its rank (Markdown and
    /// HTML, where it finds `best/<rank>-<id>/`); `rows` (default: every configuration) are the
    /// rows shown, in rank order.
    public func table(withConfigID: Bool, rows: [ConfigurationResults]? = nil) -> Table {
        let shown = rows ?? configurations
        var columns = ["rank"] + (withConfigID ? ["config"] : []) + swept
        columns += [metric.rawValue, "95% CI", "n", "vs best"]
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
                cells += [.numeral(Self.unranked(row)), .numeral("–")]
            }
            cells.append(.numeral("\(row.okCount)/\(row.seeds)"))
            cells.append(versus(comparison.entries[row.configID]))
            table.append(cells)
        }
        return table
    }

    /// The metric cell of a configuration without a mean: why it has none. A diverged seed first,
    /// since that is why it ranks where it does (its other seeds were stopped with it, at
    /// whatever rung they had reached); "not run" when the rule stopped every seed before it
    /// started (runs.csv says why: its Langevin noise floor, or a rule changed on resume).
    static func unranked(_ row: ConfigurationResults) -> String {
        if row.diverged > 0 { return row.diverged == 1 ? "1 seed diverged" : "\(row.diverged) seeds diverged" }
        if row.stoppedAt == 0 { return "not run" }
        return row.stoppedAt.map { "stopped at \($0)" } ?? row.status.rawValue
    }

    /// "best", "tied, p = 0.21", "p = 0.004" (Holm-corrected), or "–" when untested; in LaTeX, where
    /// the column must stay narrow, the p-value alone with a dagger on ties ("0.21†").
    func versus(_ entry: BestComparison.Entry?) -> Cell {
        guard let entry else { return .numeral("–") }
        switch entry.verdict {
        case .best: return .numeral("best")
        case .untested: return .numeral("–")
        case .tied, .worse:
            let p = entry.adjustedP ?? 1
            let value = p < 0.001 ? "< 0.001" : NumberText.significant(p, digits: 2)
            let text = (p < 0.001 ? "p " : "p = ") + value
            let tied = entry.verdict == .tied
            return .numeral(tied ? "tied, " + text : text, latex: Markup.latex(value) + (tied ? "\\dag{}" : ""))
        }
    }

    /// What the columns mean, for captions (`latex`) and the Markdown's preamble.
    public func legend(latex: Bool = false) -> String {
        "\(metric.rawValue) (\(metric.higherIsBetter ? "higher" : "lower") is better): mean ± sd over the ok seeds; "
            + "95% CI: t interval of the mean (none for one seed); n: seeds ok of planned; vs best: the Holm-corrected "
            + "one-sided p-value against the best\(latex ? ", † where tied" : ""); " + comparison.method + "."
    }

    /// The importance decomposition over the swept hyperparameters, or why there is none.
    public var importance: Result<HyperparameterImportance, HyperparameterImportance.Unavailable> {
        HyperparameterImportance.decompose(configurations, swept: swept)
    }

    /// The importance section of results.md and report.html.
    public func importanceMarkdown() -> String {
        var out = "## Hyperparameter importance\n\n"
        switch importance {
        case .success(let importance):
            out += "Share of the variance of \(metric.rawValue) over the grid and its seeds (functional ANOVA: "
                + "main effects, their interactions, seed noise; the shares sum to 100%).\n\n" + importance.table.markdown()
        case .failure(let reason):
            out += "Not computed: \(reason).\n"
        }
        return out
    }

    /// `results.md`: a title line, the legend, `notes` (anchors, the fixed hyperparameters), the table.
    public func markdown(notes: [String] = []) -> String {
        var out = "# \(sweepName): \(subject), ranked by \(metric.rawValue)\n\n"
        if let progress { out += "**\(progress)**\n\n" }
        out += legend() + "\n\n"
        for note in notes { out += note + "\n\n" }
        return out + table(withConfigID: true).markdown() + "\n" + importanceMarkdown()
    }

    /// `results.tex`: the first `latexRowLimit` configurations that ran, in a table float labelled
    /// `label` (make it unique per sweep: two sweeps' tables can share a document). Those early
    /// stopping never started are counted in the caption instead of filling rows with "not run":
    /// a paper's table shows what was measured.
    public func latex(label: String) -> String {
        let ran = configurations.filter { !Self.neverStarted($0) }
        var caption = "\(sweepName): \(subject), configurations ranked by \(metric.rawValue). " + legend(latex: true)
        let notRun = configurations.count - ran.count
        if notRun > 0 {
            caption += " \(notRun) of \(configurations.count) configurations not run (early stopping never started them; "
                + "results.md says why)."
        }
        if ran.count > latexRowLimit {
            caption += " Best \(latexRowLimit) of the \(ran.count) run; all in results.csv."
        }
        if let progress { caption += " " + progress }
        return table(withConfigID: false, rows: Array(ran.prefix(latexRowLimit))).latex(caption: caption, label: label)
    }

    /// A configuration every seed of which was stopped before it started ("not run").
    static func neverStarted(_ row: ConfigurationResults) -> Bool {
        row.okCount == 0 && row.diverged == 0 && row.failed == 0 && row.stoppedAt == 0
    }
}
