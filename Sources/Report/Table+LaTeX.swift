extension Table {
    /// The first line of every LaTeX file the module writes: the packages it needs, so a user knows
    /// what to load (booktabs for the rules; adjustbox shrinks a table wider than the text, which the
    /// columns are chosen to avoid).
    public static let latexPackagesComment = "% Needs \\usepackage{booktabs} and \\usepackage{adjustbox} in the preamble.\n"

    /// Header names longer than this are set on several lines (split at `_` and spaces).
    static let latexHeaderLineLength = 12

    /// A booktabs table float: the packages comment, the caption above the table (booktabs style),
    /// `\small` with narrower column gaps, the tabular inside `adjustbox` limited to `\linewidth`, then the label. Text is
    /// escaped; `±` becomes `$\pm$`; numerals may bring their own LaTeX. Without caption and label,
    /// the bare tabular (booktabs only).
    public func latex(caption: String? = nil, label: String? = nil) -> String {
        let numeric = numericColumns
        let spec = numeric.map { $0 ? "r" : "l" }.joined()
        var tabular = "\\begin{tabular}{\(spec)}\n\\toprule\n"
        tabular += columns.enumerated().map { Self.latexHeader($0.element, numeric: numeric[$0.offset]) }.joined(separator: " & ")
        tabular += " \\\\\n\\midrule\n"
        for row in rows { tabular += row.map(latexText).joined(separator: " & ") + " \\\\\n" }
        tabular += "\\bottomrule\n\\end{tabular}\n"
        guard caption != nil || label != nil else { return tabular }
        // \small and 4 pt between columns (booktabs' default is 6): a results table with three swept
        // hyperparameters then fits an article's \textwidth as it is.
        var out = Self.latexPackagesComment + "\\begin{table}[ht]\n\\centering\n\\small\n\\setlength{\\tabcolsep}{4pt}\n"
        if let caption { out += "\\caption{\(Markup.latex(caption))}\n" }
        if let label { out += "\\label{\(Self.latexLabel(label))}\n" }
        out += "\\begin{adjustbox}{max width=\\linewidth}\n" + tabular + "\\end{adjustbox}\n"
        return out + "\\end{table}\n"
    }

    func latexText(_ cell: Cell) -> String {
        if case .numeral(_, let latex?) = cell { return latex }
        return Markup.latex(text(cell))
    }

    /// Only ASCII letters, digits and `:-_.` survive: pdflatex's labels break on anything else.
    public static func latexLabel(_ label: String) -> String {
        String(label.filter { $0.isASCII && ($0.isLetter || $0.isNumber || ":-_.".contains($0)) })
    }

    /// `langevin_step_size` → a stacked `langevin / step size` header, so long names do not widen
    /// a column of short numbers.
    static func latexHeader(_ name: String, numeric: Bool) -> String {
        let words = name.split(whereSeparator: { $0 == "_" || $0 == " " }).map(String.init)
        var lines: [String] = []
        for word in words {
            if let last = lines.last, last.count + 1 + word.count <= latexHeaderLineLength {
                lines[lines.count - 1] = last + " " + word
            } else {
                lines.append(word)
            }
        }
        guard lines.count > 1 else { return Markup.latex(lines.first ?? name) }
        let align = numeric ? "r" : "l"
        return "\\begin{tabular}[b]{@{}\(align)@{}}" + lines.map(Markup.latex).joined(separator: "\\\\") + "\\end{tabular}"
    }
}
