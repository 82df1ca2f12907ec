// Report: pure builders of tables (Markdown, CSV, LaTeX), figures (SVG, PNG), HTML pages and printable peer text, from values in memory; no I/O.

/// `report.html` for a sweep: a banner while it is partial, the ranked table (built by the caller,
/// e.g. `SweepTables`), the hyperparameter importance, the comparison figures, and one section per
/// best configuration with its hyperparameters, metrics and figures.
public struct SweepReport: Sendable {
    /// One of the best configurations.
    public struct Section: Sendable {
        public var title: String
        public var notes: [String]
        public var metrics: [String: Double]
        public var hyperparameters: HyperparameterTable?
        public var figures: [FigureSVG]

        public init(title: String, notes: [String] = [], metrics: [String: Double] = [:],
                    hyperparameters: HyperparameterTable? = nil, figures: [FigureSVG] = []) {
            self.title = title
            self.notes = notes
            self.metrics = metrics
            self.hyperparameters = hyperparameters
            self.figures = figures
        }
    }

    public var title: String
    /// Paragraphs under the title: spec name, method, dataset, job counts, anchors...
    public var summary: [String]
    public var ranking: Table
    /// Shown above everything: whether the sweep is complete, and when the page was written.
    public var banner: String?
    /// A partial page reloads itself this often (seconds); nil once the sweep is complete.
    public var refreshSeconds: Int?
    /// The importance table, or nil with `importanceNote` saying why there is none.
    public var importance: Table?
    public var importanceNote: String
    /// Figures comparing the configurations (`figures/` holds the same as SVG and PDF).
    public var comparisons: [FigureSVG]
    public var sections: [Section]

    public init(title: String, summary: [String] = [], ranking: Table, banner: String? = nil, refreshSeconds: Int? = nil,
                importance: Table? = nil,
                importanceNote: String = "", comparisons: [FigureSVG] = [], sections: [Section] = []) {
        self.title = title
        self.summary = summary
        self.ranking = ranking
        self.banner = banner
        self.refreshSeconds = refreshSeconds
        self.importance = importance
        self.importanceNote = importanceNote
        self.comparisons = comparisons
        self.sections = sections
    }

    public func html() -> String {
        var body = banner.map { "<p class=\"banner\">" + Markup.xml($0) + "</p>\n" } ?? ""
        body += HTMLPage.paragraphs(summary)
        body += "<h2>Ranking</h2>\n"
        body += ranking.rows.isEmpty ? "<p class=\"muted\">No finished configurations yet.</p>\n" : ranking.html()
        body += "<h2>Hyperparameter importance</h2>\n"
        if !importanceNote.isEmpty { body += "<p class=\"muted\">" + Markup.xml(importanceNote) + "</p>\n" }
        if let importance { body += importance.html() }
        if !comparisons.isEmpty {
            body += "<h2>Comparisons</h2>\n" + HTMLPage.figures(comparisons)
        }
        for section in sections {
            body += "<section>\n<h2>" + Markup.xml(section.title) + "</h2>\n"
            if !section.notes.isEmpty {
                body += "<p class=\"muted\">" + section.notes.map(Markup.xml).joined(separator: " · ") + "</p>\n"
            }
            body += "<div class=\"tables\">\n"
            if !section.metrics.isEmpty {
                let run = RunReport(title: section.title, metrics: section.metrics)
                body += "<div>\n<h3>Metrics</h3>\n" + run.metricsTable.html() + "</div>\n"
            }
            if let hyperparameters = section.hyperparameters {
                body += "<div>\n<h3>Hyperparameters</h3>\n" + hyperparameters.table.html() + "</div>\n"
            }
            body += "</div>\n" + HTMLPage.figures(section.figures) + "</section>\n"
        }
        return HTMLPage.document(title: title, body: body, refreshSeconds: refreshSeconds)
    }
}
