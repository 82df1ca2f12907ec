/// A figure ready to inline: its caption and the SVG text a `Figures` function returned.
public struct FigureSVG: Hashable, Sendable {
    public var title: String
    public var svg: String

    public init(title: String, svg: String) {
        self.title = title
        self.svg = svg
    }
}

/// The shared shell of `report.html` pages: one self-contained file, inline CSS and inline SVG,
/// no JavaScript and no external resources, so it opens from a cluster's scratch directory or an
/// e-mail attachment alike.
enum HTMLPage {
    /// `refreshSeconds`: reload the page this often (a meta refresh, no script), for a page that is
    /// rewritten while a sweep runs.
    static func document(title: String, body: String, refreshSeconds: Int? = nil) -> String {
        let refresh = refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\(max(1, $0))\">\n" } ?? ""
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(refresh)<title>\(Markup.xml(title))</title>
        <style>
        \(css)</style>
        </head>
        <body>
        <main>
        <h1>\(Markup.xml(title))</h1>
        \(body)</main>
        </body>
        </html>

        """
    }

    /// Figures side by side where the window allows, each in a captioned `<figure>`.
    static func figures(_ figures: [FigureSVG]) -> String {
        guard !figures.isEmpty else { return "" }
        var out = "<div class=\"figures\">\n"
        for figure in figures {
            out += "<figure>\n" + stripProlog(figure.svg) + "<figcaption>" + Markup.xml(figure.title) + "</figcaption>\n</figure>\n"
        }
        return out + "</div>\n"
    }

    static func paragraphs(_ texts: [String]) -> String {
        texts.map { "<p>" + Markup.xml($0) + "</p>\n" }.joined()
    }

    /// Inline SVG must not carry an XML declaration or doctype.
    static func stripProlog(_ svg: String) -> String {
        guard let start = svg.range(of: "<svg") else { return svg }
        return String(svg[start.lowerBound...])
    }

    static let css = """
        :root { color-scheme: light; }
        body { margin: 0; background: #f6f7f9; color: #1d232b;
               font: 15px/1.5 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1280px; margin: 0 auto; padding: 24px 32px 48px; }
        h1 { font-size: 26px; margin: 8px 0 4px; }
        h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d5d9e0; }
        h3 { font-size: 16px; margin: 20px 0 6px; }
        p { margin: 4px 0 10px; max-width: 80ch; }
        .muted { color: #5b6572; }
        table { border-collapse: collapse; margin: 8px 0 16px; background: #ffffff;
                font-variant-numeric: tabular-nums; font-size: 14px; }
        th, td { padding: 4px 12px; border-bottom: 1px solid #e3e6eb; text-align: left; }
        thead th { border-bottom: 2px solid #9aa3af; background: #eef1f5; }
        td.num, th.num { text-align: right; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        .tables { display: flex; flex-wrap: wrap; gap: 32px; align-items: flex-start; }
        .figures { display: flex; flex-wrap: wrap; gap: 16px; }
        figure { margin: 0; padding: 8px; background: #ffffff; border: 1px solid #e3e6eb; border-radius: 4px; }
        figure svg { display: block; max-width: 100%; height: auto; }
        figcaption { font-size: 13px; color: #5b6572; text-align: center; margin: 4px auto 0; max-width: 520px; }
        section { margin-bottom: 24px; }
        .banner { background: #fff4d6; border: 1px solid #e0b84f; border-radius: 4px; padding: 8px 12px; max-width: none; }

        """
}
