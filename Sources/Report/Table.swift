/// One cell of a results or hyperparameter table.
public enum Cell: Hashable, Sendable {
    case text(String)
    case integer(Int)
    case number(Double)
    /// A statistic over seeds, shown as `mean ± std`.
    case meanStd(mean: Double, std: Double)
    /// A number already formatted by the caller (a column sharing its decimals, `5e-4`, `1.98 ± 0.13`),
    /// right-aligned like numbers; `latex` replaces the escaped text in LaTeX (`$5\times10^{-4}$`).
    case numeral(String, latex: String? = nil)
    case empty

    /// Numeric cells are right-aligned; a column of only numeric (or empty) cells is numeric.
    var isNumeric: Bool {
        switch self {
        case .integer, .number, .meanStd, .numeral: true
        case .text, .empty: false
        }
    }
}

/// A generic table rendered to CSV (RFC 4180), GitHub Markdown (aligned), LaTeX (booktabs) and
/// HTML. Numbers are formatted with `significantDigits` significant digits in every format, so the
/// Markdown, LaTeX and HTML tables agree with each other and with the CSV.
public struct Table: Hashable, Sendable {
    public var columns: [String]
    public private(set) var rows: [[Cell]]
    public var significantDigits: Int

    /// Precondition: every row has one cell per column; `1 <= significantDigits <= 12`.
    public init(columns: [String], rows: [[Cell]] = [], significantDigits: Int = 4) {
        precondition((1...12).contains(significantDigits), "significantDigits must be in 1...12")
        self.columns = columns
        self.rows = []
        self.significantDigits = significantDigits
        for row in rows { append(row) }
    }

    /// Precondition: `row.count == columns.count`.
    public mutating func append(_ row: [Cell]) {
        precondition(row.count == columns.count, "row has \(row.count) cells, table has \(columns.count) columns")
        rows.append(row)
    }

    /// The text of a cell (before format-specific escaping).
    public func text(_ cell: Cell) -> String {
        switch cell {
        case .text(let s): s
        case .integer(let i): String(i)
        case .number(let v): NumberText.significant(v, digits: significantDigits)
        case .meanStd(let m, let s):
            NumberText.significant(m, digits: significantDigits) + " ± " + NumberText.significant(s, digits: significantDigits)
        case .numeral(let s, _): s
        case .empty: ""
        }
    }

    /// Which columns hold only numbers (right-aligned in every format).
    var numericColumns: [Bool] {
        columns.indices.map { c in
            let cells = rows.map { $0[c] }.filter { $0 != .empty }
            return !cells.isEmpty && cells.allSatisfy(\.isNumeric)
        }
    }

    /// RFC 4180: header line, CRLF line endings, fields quoted only when they must be.
    public func csv() -> String {
        var lines = [columns.map(Markup.csvField).joined(separator: ",")]
        for row in rows { lines.append(row.map { Markup.csvField(text($0)) }.joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// GitHub-flavoured Markdown, columns padded to equal width, numbers right-aligned (`---:`).
    public func markdown() -> String {
        let header = columns.map(Markup.markdownCell)
        let body = rows.map { $0.map { Markup.markdownCell(text($0)) } }
        let numeric = numericColumns
        let widths = columns.indices.map { c in
            max(3, ([header[c]] + body.map { $0[c] }).map(\.count).max() ?? 3)
        }
        func pad(_ s: String, _ c: Int) -> String {
            let fill = String(repeating: " ", count: widths[c] - s.count)
            return numeric[c] ? fill + s : s + fill
        }
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { pad($0.element, $0.offset) }.joined(separator: " | ") + " |"
        }
        let rule = "|" + columns.indices.map { c in
            numeric[c] ? " " + String(repeating: "-", count: widths[c] - 1) + ": "
                       : " " + String(repeating: "-", count: widths[c]) + " "
        }.joined(separator: "|") + "|"
        return ([line(header), rule] + body.map(line)).joined(separator: "\n") + "\n"
    }

    /// An HTML `<table>` with a header row; numeric cells get class `num` (right-aligned by the CSS).
    public func html() -> String {
        let numeric = numericColumns
        var out = "<table>\n<thead><tr>"
        for (c, name) in columns.enumerated() {
            out += numeric[c] ? "<th class=\"num\">" : "<th>"
            out += Markup.xml(name) + "</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for (c, cell) in row.enumerated() {
                out += (numeric[c] ? "<td class=\"num\">" : "<td>") + Markup.xml(text(cell)) + "</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }
}
