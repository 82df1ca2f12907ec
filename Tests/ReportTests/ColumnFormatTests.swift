import EBMCore
import Testing
@testable import Report

@Suite struct ColumnFormatTests {
    func texts(_ cells: [Cell]) -> [String] {
        let table = Table(columns: ["v"])
        return cells.map(table.text)
    }

    @Test("a hyperparameter column shares one format: 0.05 beside 0.10, 5e-4 beside 2e-3, 2.5e-3 beside 1.0e-2")
    func hyperparameterColumns() {
        #expect(texts(ColumnFormat.hyperparameterCells([.double(0.05), .double(0.1)])) == ["0.05", "0.10"])
        #expect(texts(ColumnFormat.hyperparameterCells([.double(5e-4), .double(2e-3)])) == ["5e-4", "2e-3"])
        #expect(texts(ColumnFormat.hyperparameterCells([.double(2.5e-3), .double(1e-2)])) == ["2.5e-3", "1.0e-2"])
        #expect(texts(ColumnFormat.hyperparameterCells([.double(0.5), .double(1), .double(1.25)])) == ["0.50", "1.00", "1.25"])
        #expect(texts(ColumnFormat.hyperparameterCells([.double(1), .double(1000)])) == ["1e0", "1e3"])
        #expect(texts(ColumnFormat.hyperparameterCells([.int(10), .int(200), nil])) == ["10", "200", ""])
        #expect(texts(ColumnFormat.hyperparameterCells([.string("relu"), .string("softplus")])) == ["relu", "softplus"])
        #expect(texts(ColumnFormat.hyperparameterCells([.double(9.96e-4), .double(2.5e-3)])) == ["9.96e-4", "2.50e-3"])
        // A mantissa that rounds up to 10 carries into the exponent.
        #expect(texts([ColumnFormat.scientificCell(9.96e-4, mantissaDecimals: 1)]) == ["1.0e-3"])
        let latex = ColumnFormat.hyperparameterCells([.double(5e-4)])
        #expect(Table(columns: ["v"], rows: [latex]).latexText(latex[0]) == "$5\\times10^{-4}$")
    }

    @Test("mean ± sd share decimals: the mean to 3 significant digits or the sd to 2, at most 2 decimals beyond the mean")
    func meanDecimals() {
        #expect(ColumnFormat.meanDecimals([(1.978, 0.134)]) == 2)        // 1.98 ± 0.13
        #expect(ColumnFormat.meanDecimals([(1.624, 0.001080)]) == 4)     // 1.6240 ± 0.0011, not 1.624 ± 0.001080
        #expect(ColumnFormat.meanDecimals([(1.624, 1e-9)]) == 4)         // capped: 2 beyond the mean's 2
        #expect(ColumnFormat.meanDecimals([(1234, 56)]) == 0)
        #expect(ColumnFormat.meanDecimals([(0.000123, 0)]) == 6)
        #expect(ColumnFormat.meanDecimals([(1.978, 0.134), (2.273, 0.0363)]) == 3)  // the column takes the most
        #expect(ColumnFormat.meanDecimals([]) == 0)
    }

    @Test("LaTeX escaping turns symbols pdflatex lacks into '?' and control characters into spaces")
    func latexEscaping() {
        #expect(Markup.latex("é ü † ×") == "é ü \\dag{} $\\times$")
        #expect(Markup.latex("p < 0.001 | x > 1") == "p $<$ 0.001 $|$ x $>$ 1")
        #expect(Markup.latex("a😀b\u{1}c\nd") == "a?b?c d")
    }
}
