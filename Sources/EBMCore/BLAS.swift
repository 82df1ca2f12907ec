import CBLAS

/// Whether a GEMM/GEMV operand is used as stored or transposed. Labels the call site, so
/// `BLAS.gemm(.none, .transposed, ...)` reads as C = A·Bᵀ.
public enum Transpose: Sendable {
    case none
    case transposed

    fileprivate var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// The only caller of CBLAS (OpenBLAS), in either precision: `BLASScalar` dispatches each routine
/// to its s- or d- form once, here. All matrices are row-major; leading dimensions are the
/// stored row lengths. The pointer forms are what the hot loops use (no allocation, no copies);
/// the `Matrix` forms are conveniences for tests and cold code.
///
/// Preconditions (programmer errors, they trap): dimensions non-negative and leading dimensions
/// at least the stored row length.
public enum BLAS {
    /// One BLAS thread: the trainer runs one job per core, and the speed targets are per thread.
    ///
    /// OpenBLAS starts its helper threads when it loads, before `main`; this stops using them, but
    /// they spin for a moment first. The programs avoid them altogether by setting
    /// OPENBLAS_NUM_THREADS=1 before OpenBLAS loads (`OpenBLASEnvironment` in Cluster).
    public static func setSingleThreaded() {
        openblas_set_num_threads(1)
    }

    /// The kernel family OpenBLAS chose when it loaded (`openblas_get_corename`), e.g. "SkylakeX".
    public static var kernel: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// C ← α·op(A)·op(B) + β·C, with op(A) [m, k], op(B) [k, n], C [m, n], all row-major.
    @inline(__always)
    public static func gemm<T: BLASScalar>(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: T = 1, a: UnsafePointer<T>, lda: Int,
        b: UnsafePointer<T>, ldb: Int,
        beta: T = 0, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "gemm dimensions must be non-negative")
        precondition(lda >= max(1, transA == .none ? k : m), "gemm lda too small")
        precondition(ldb >= max(1, transB == .none ? n : k), "gemm ldb too small")
        precondition(ldc >= max(1, n), "gemm ldc too small")
        if m == 0 || n == 0 { return }
        T.gemm(transA, transB, Int32(m), Int32(n), Int32(k),
               alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y ← α·op(A)·x + β·y, with A [rows, columns] row-major; x and y strided by incX, incY
    /// (so a column of a row-major matrix can be either).
    @inline(__always)
    public static func gemv<T: BLASScalar>(
        _ trans: Transpose, rows: Int, columns: Int, alpha: T = 1,
        a: UnsafePointer<T>, lda: Int, x: UnsafePointer<T>, incX: Int = 1,
        beta: T = 0, y: UnsafeMutablePointer<T>, incY: Int = 1
    ) {
        precondition(rows >= 0 && columns >= 0 && lda >= max(1, columns), "gemv shape")
        if rows == 0 || columns == 0 {
            let n = trans == .none ? rows : columns
            for i in 0..<n { y[i * incY] = beta == 0 ? 0 : beta * y[i * incY] }
            return
        }
        T.gemv(trans, Int32(rows), Int32(columns), alpha, a, Int32(lda),
               x, Int32(incX), beta, y, Int32(incY))
    }

}

/// A type CBLAS has routines for: `Float` (the s- routines) and `Double` (the d- ones), each
/// requirement one row-major C call.
public protocol BLASScalar: BinaryFloatingPoint {
    static func gemm(_ transA: Transpose, _ transB: Transpose, _ m: Int32, _ n: Int32, _ k: Int32,
                     _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int32, _ b: UnsafePointer<Self>, _ ldb: Int32,
                     _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int32)
    static func gemv(_ trans: Transpose, _ m: Int32, _ n: Int32, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int32,
                     _ x: UnsafePointer<Self>, _ incX: Int32, _ beta: Self, _ y: UnsafeMutablePointer<Self>, _ incY: Int32)
}

extension Float: BLASScalar {
    @inline(__always) public static func gemm(
        _ transA: Transpose, _ transB: Transpose, _ m: Int32, _ n: Int32, _ k: Int32, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int32, _ b: UnsafePointer<Float>, _ ldb: Int32, _ beta: Float,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int32
    ) { cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) }

    @inline(__always) public static func gemv(
        _ trans: Transpose, _ m: Int32, _ n: Int32, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int32,
        _ x: UnsafePointer<Float>, _ incX: Int32, _ beta: Float, _ y: UnsafeMutablePointer<Float>, _ incY: Int32
    ) { cblas_sgemv(CblasRowMajor, trans.cblas, m, n, alpha, a, lda, x, incX, beta, y, incY) }
}

extension Double: BLASScalar {
    @inline(__always) public static func gemm(
        _ transA: Transpose, _ transB: Transpose, _ m: Int32, _ n: Int32, _ k: Int32, _ alpha: Double,
        _ a: UnsafePointer<Double>, _ lda: Int32, _ b: UnsafePointer<Double>, _ ldb: Int32, _ beta: Double,
        _ c: UnsafeMutablePointer<Double>, _ ldc: Int32
    ) { cblas_dgemm(CblasRowMajor, transA.cblas, transB.cblas, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) }

    @inline(__always) public static func gemv(
        _ trans: Transpose, _ m: Int32, _ n: Int32, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int32,
        _ x: UnsafePointer<Double>, _ incX: Int32, _ beta: Double, _ y: UnsafeMutablePointer<Double>, _ incY: Int32
    ) { cblas_dgemv(CblasRowMajor, trans.cblas, m, n, alpha, a, lda, x, incX, beta, y, incY) }
}

extension BLAS {
    /// op(A)·op(B) as a new matrix (allocates; for tests and cold code).
    /// - Precondition: the inner dimensions agree.
    public static func gemm(_ a: Matrix, _ transA: Transpose, _ b: Matrix, _ transB: Transpose) -> Matrix {
        let m = transA == .none ? a.rows : a.columns
        let k = transA == .none ? a.columns : a.rows
        let kb = transB == .none ? b.rows : b.columns
        let n = transB == .none ? b.columns : b.rows
        precondition(k == kb, "gemm inner dimensions \(k) and \(kb) differ")
        var c = Matrix(rows: m, columns: n)
        if k == 0 { return c }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    gemm(transA, transB, m: m, n: n, k: k,
                         a: pa.baseAddress!, lda: max(1, a.columns),
                         b: pb.baseAddress!, ldb: max(1, b.columns),
                         c: pc.baseAddress!, ldc: max(1, n))
                }
            }
        }
        return c
    }

    /// op(A)·x as a new array (allocates).
    /// - Precondition: `x.count` equals the columns of op(A).
    public static func gemv(_ a: Matrix, _ trans: Transpose, _ x: [Double]) -> [Double] {
        let outCount = trans == .none ? a.rows : a.columns
        precondition(x.count == (trans == .none ? a.columns : a.rows), "gemv length mismatch")
        var y = [Double](repeating: 0, count: outCount)
        if a.count == 0 { return y }
        a.storage.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    gemv(trans, rows: a.rows, columns: a.columns, a: pa.baseAddress!, lda: a.columns,
                         x: px.baseAddress!, y: py.baseAddress!)
                }
            }
        }
        return y
    }
}
