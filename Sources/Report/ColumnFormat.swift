import EBMCore

/// Number formats shared by a whole table column, so a column reads as one quantity: the same
/// decimals in every row (`0.05` beside `0.10`, never `0.05000` beside `0.1000`), a mean and its
/// spread to the same decimals (`1.6240 ± 0.0011`, never `1.624 ± 0.001080`).
public enum ColumnFormat {
    /// Significant digits of a mean; its sd gets `spreadDigits`. Metrology's convention: the
    /// uncertainty to two digits, the value to the same decimal place.
    public static let meanDigits = 3
    public static let spreadDigits = 2
    /// A tiny spread may add at most this many decimals beyond the mean's own.
    static let extraDecimals = 2
    static let maxDecimals = 10

    /// Decimals that show `v` to `digits` significant digits (0 for 0, non-finite, or large `v`).
    public static func decimals(_ v: Double, significant digits: Int) -> Int {
        guard v.isFinite, v != 0 else { return 0 }
        return min(maxDecimals, max(0, digits - 1 - Int(abs(v).log10Floor)))
    }

    /// The decimals one column of `mean ± sd` uses: per row, the mean's 3 significant digits or the
    /// sd's 2, whichever needs more (but no more than 2 beyond the mean's), then the most any row needs.
    public static func meanDecimals(_ rows: [(mean: Double, sd: Double)]) -> Int {
        rows.map { row in
            let meanDecimals = decimals(row.mean, significant: meanDigits)
            let spread = row.sd > 0 ? decimals(row.sd, significant: spreadDigits) : meanDecimals
            return min(max(meanDecimals, spread), meanDecimals + extraDecimals)
        }.max() ?? 0
    }

    /// `v` with exactly `decimals` decimals.
    public static func fixed(_ v: Double, _ decimals: Int) -> String {
        NumberText.fixed(v, decimals: min(max(decimals, 0), 12))
    }

    /// One hyperparameter column as cells: integers as they are; strings as text; reals in one style
    /// for the column, scientific (`5e-4`, `2.5e-3`, and `$5\times10^{-4}$` in LaTeX) when the column
    /// spans decades or holds values below 0.01, else fixed, each with the fewest decimals (mantissa
    /// decimals) that show every value of the column exactly (to 6 significant digits).
    public static func hyperparameterCells(_ values: [HyperparameterValue?]) -> [Cell] {
        let reals = values.compactMap { value -> Double? in
            if case .double(let v)? = value, v.isFinite { return v }
            return nil
        }
        guard !reals.isEmpty else {
            return values.map { value in
                switch value {
                case .int(let v)?: .integer(v)
                case .double(let v)?: .numeral(HyperparameterValue.format(v))
                case .string(let v)?: .text(v)
                case nil: .empty
                }
            }
        }
        let magnitudes = reals.filter { $0 != 0 }.map(abs)
        let smallest = magnitudes.min() ?? 1, largest = magnitudes.max() ?? 1
        let scientific = smallest < 1e-2 || largest >= 1e5 || largest / smallest >= 1000
        let style: (Double) -> Cell
        if scientific {
            let digits = reals.map { mantissaDecimals($0) }.max() ?? 0
            style = { scientificCell($0, mantissaDecimals: digits) }
        } else {
            let digits = reals.map { exactDecimals($0) }.max() ?? 0
            style = { .numeral(fixed($0, digits)) }
        }
        return values.map { value in
            switch value {
            case .int(let v)?: style(Double(v))
            case .double(let v)?: v.isFinite ? style(v) : .numeral(HyperparameterValue.format(v))
            case .string(let v)?: .text(v)
            case nil: .empty
            }
        }
    }

    /// The fewest decimals (up to 8) that print `v` to within 6 significant digits.
    static func exactDecimals(_ v: Double) -> Int {
        guard v != 0 else { return 0 }
        let tolerance = abs(v) * 5e-6
        for d in 0...8 where abs((Double(fixed(v, d)) ?? .nan) - v) <= tolerance { return d }
        return 8
    }

    /// Decimals of the mantissa of `v` in scientific notation (0 for 5e-4, 1 for 2.5e-3).
    static func mantissaDecimals(_ v: Double) -> Int {
        guard v != 0 else { return 0 }
        let exponent = Int(abs(v).log10Floor)
        return exactDecimals(v / power(exponent))
    }

    static func scientificCell(_ v: Double, mantissaDecimals digits: Int) -> Cell {
        guard v != 0 else { return .numeral("0") }
        var exponent = Int(abs(v).log10Floor)
        var mantissa = fixed(v / power(exponent), digits)
        // 9.99e-4 at one decimal rounds to 10.0: carry into the exponent.
        if let m = Double(mantissa), abs(m) >= 10 {
            exponent += 1
            mantissa = fixed(v / power(exponent), digits)
        }
        return .numeral("\(mantissa)e\(exponent)", latex: "$\(mantissa)\\times10^{\(exponent)}$")
    }

    static func power(_ exponent: Int) -> Double {
        exponent >= 0 ? NumberText.pow10(exponent) : 1 / NumberText.pow10(-exponent)
    }
}
