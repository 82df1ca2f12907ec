/// `report.html` for a sweep: the ranked table (built by the caller, e.g. from the store's
/// aggregated results) and one section per best configuration with its hyperparameters, metrics
/// and figures.
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
    public var sections: [Section]

    public init(title: String, summary: [String] = [], ranking: Table, sections: [Section] = []) {
        self.title = title
        self.summary = summary
        self.ranking = ranking
        self.sections = sections
    }

    public func html() -> String {
        var body = HTMLPage.paragraphs(summary)
        body += "<h2>Ranking</h2>\n"
        body += ranking.rows.isEmpty ? "<p class=\"muted\">No finished configurations yet.</p>\n" : ranking.html()
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
        return HTMLPage.document(title: title, body: body)
    }
}
