/// Small conveniences over `Matrix` for tests, plots and cold code (they allocate).
extension Matrix {
    /// The transpose (allocates).
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for r in 0..<rows { for c in 0..<columns { t[c, r] = self[r, c] } }
        return t
    }

    /// Whether every element is finite (not NaN, not ±∞).
    public var isFinite: Bool { storage.allSatisfy(\.isFinite) }

    /// Mean of each column.
    public var columnMeans: [Double] {
        var m = [Double](repeating: 0, count: columns)
        guard rows > 0 else { return m }
        for r in 0..<rows { for c in 0..<columns { m[c] += self[r, c] } }
        return m.map { $0 / Double(rows) }
    }

    /// Rows `range` as a new matrix.
    /// - Precondition: the range lies within 0..<rows.
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "row range out of bounds")
        return Matrix(rows: range.count, columns: columns,
                      storage: Array(storage[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }
}
