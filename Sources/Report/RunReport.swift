/// `report.html` for one run: title, metrics (the ranking metric with its floor and oracle anchors
/// beside it), the hyperparameter table and the figures, inlined into one self-contained page.
public struct RunReport: Sendable {
    public var title: String
    /// Short lines under the title (status, worker, run time...).
    public var notes: [String]
    public var metrics: [String: Double]
    public var hyperparameters: HyperparameterTable?
    public var figures: [FigureSVG]

    public init(title: String, notes: [String] = [], metrics: [String: Double],
                hyperparameters: HyperparameterTable? = nil, figures: [FigureSVG] = []) {
        self.title = title
        self.notes = notes
        self.metrics = metrics
        self.hyperparameters = hyperparameters
        self.figures = figures
    }

    /// The metrics (docs/design.md, "Metrics") in reading order: the ranking metric, its anchors, then the rest.
    /// Metrics not listed follow in alphabetical order.
    public static let metricOrder = ["kde_nll", "floor_kde_nll", "oracle_nll", "nll", "precision", "recall",
                                     "mmd", "swd", "energy_distance", "escaped"]

    static let metricNotes = [
        "kde_nll": "held-out NLL (nats) of a KDE on the samples; lower is better",
        "floor_kde_nll": "the same for a fresh data draw: the best a sampler can reach",
        "oracle_nll": "NLL of the true density on the held-out draw",
        "nll": "held-out NLL of the model, z by quadrature",
        "precision": "share of samples inside the data's 3-NN balls",
        "recall": "share of data inside the samples' 3-NN balls",
        "mmd": "unbiased MMD², RBF kernel",
        "swd": "sliced Wasserstein-2, 256 directions",
        "energy_distance": "energy distance",
        "escaped": "share of samples non-finite or far outside the box",
    ]

    /// "metric | value | meaning", ordered by `metricOrder`.
    public var metricsTable: Table {
        var table = Table(columns: ["metric", "value", "meaning"])
        let known = Self.metricOrder.filter { metrics[$0] != nil }
        let others = metrics.keys.filter { !Self.metricOrder.contains($0) }.sorted()
        for name in known + others {
            guard let value = metrics[name] else { continue }
            table.append([.text(name), .number(value), .text(Self.metricNotes[name] ?? "")])
        }
        return table
    }

    /// The complete page.
    public func html() -> String {
        var body = notes.isEmpty ? "" : "<p class=\"muted\">" + notes.map(Markup.xml).joined(separator: " · ") + "</p>\n"
        body += "<div class=\"tables\">\n<section>\n<h2>Metrics</h2>\n"
        body += metrics.isEmpty ? "<p class=\"muted\">No metrics (the run did not finish).</p>\n" : metricsTable.html()
        body += "</section>\n"
        if let hyperparameters {
            body += "<section>\n<h2>Hyperparameters</h2>\n" + hyperparameters.table.html() + "</section>\n"
        }
        body += "</div>\n"
        if !figures.isEmpty { body += "<h2>Figures</h2>\n" + HTMLPage.figures(figures) }
        return HTMLPage.document(title: title, body: body)
    }
}
