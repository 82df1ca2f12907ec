import Foundation

/// Escaping for the text formats the module writes: XML/HTML, CSV, LaTeX, Markdown.
///
/// Every string that comes from outside (titles, metric names, hyperparameter values) passes through
/// one of these before it lands in a document, so a `<` in a title cannot break an SVG.
public enum Markup {
    /// XML/HTML text and attribute escaping (`& < > " '`).
    public static func xml(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// RFC 4180: a field containing a comma, quote, CR or LF is quoted, quotes doubled.
    public static func csvField(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// LaTeX text-mode escaping of the ten special characters; the few non-ASCII symbols the tables
    /// use (`± − ² · ε σ α`) become math so pdflatex needs no Unicode setup.
    public static func latex(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\": out += "\\textbackslash{}"
            case "&", "%", "$", "#", "_", "{", "}": out += "\\" + String(ch)
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "±": out += "$\\pm$"
            case "−": out += "-"
            case "²": out += "$^2$"
            case "·": out += "$\\cdot$"
            case "ε": out += "$\\varepsilon$"
            case "σ": out += "$\\sigma$"
            case "α": out += "$\\alpha$"
            default: out.append(ch)
            }
        }
        return out
    }

    /// GitHub Markdown table cell: pipes escaped, line breaks flattened.
    public static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
    }
}
