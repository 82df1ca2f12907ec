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
    /// use (`± − ² · ε σ α † × ≤ ≥ – < > |`) become math so pdflatex needs no Unicode setup;
    /// other characters outside ASCII and Latin-1's letters, and control characters, become `?` or a space.
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
            case "†": out += "\\dag{}"
            case "×": out += "$\\times$"
            case "≤": out += "$\\leq$"
            case "≥": out += "$\\geq$"
            case "–": out += "--"
            // In pdflatex's default OT1 text font these print as ¡, ¿ and an em dash.
            case "<": out += "$<$"
            case ">": out += "$>$"
            case "|": out += "$|$"
            default:
                // pdflatex's default UTF-8 input knows Latin-1's letters; anything else would stop
                // the document ("Unicode character not set up"), so it becomes "?".
                let known = ch.unicodeScalars.allSatisfy { $0.isASCII || (0xC0...0xFF).contains($0.value) && $0.value != 0xD7 && $0.value != 0xF7 }
                if known && !(ch.isASCII && ch.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true) {
                    out.append(ch)
                } else {
                    out += ch == "\n" || ch == "\t" ? " " : "?"
                }
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
