/// A dense, row-major matrix of Double: the one array type of the numerics.
///
/// Shapes are preconditions: a mismatch is a programmer error and traps. `BLAS.swift` holds the
/// only calls into CBLAS; everything else works through these storage accessors.
public struct Matrix: Hashable, Sendable {
    public private(set) var rows: Int
    public private(set) var columns: Int
    /// Row-major: element (r, c) is `storage[r * columns + c]`.
    public var storage: [Double]

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    public init(rows: Int, columns: Int, storage: [Double]) {
        precondition(storage.count == rows * columns, "storage has \(storage.count) elements, shape needs \(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// Builds a matrix from rows of equal length.
    public init(_ rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "rows of unequal length")
        self.init(rows: rowArrays.count, columns: columns, storage: rowArrays.flatMap { $0 })
    }

    @inline(__always)
    public subscript(row: Int, column: Int) -> Double {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    public var count: Int { storage.count }

    /// One row as an array (allocates; not for hot loops).
    public func row(_ r: Int) -> [Double] {
        Array(storage[(r * columns)..<((r + 1) * columns)])
    }
}
