import Testing
import EBMCore
import TestSupport

@Suite("BLAS wrappers")
struct BLASTests {
    static func naive(_ a: Matrix, _ ta: Transpose, _ b: Matrix, _ tb: Transpose) -> Matrix {
        let A = ta == .none ? a : a.transposed
        let B = tb == .none ? b : b.transposed
        var c = Matrix(rows: A.rows, columns: B.columns)
        for i in 0..<A.rows { for j in 0..<B.columns {
            var s = 0.0
            for k in 0..<A.columns { s += A[i, k] * B[k, j] }
            c[i, j] = s
        } }
        return c
    }

    static func random(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var r = RandomSource(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in r.uniform(-1, 1) })
    }

    @Test("gemm matches a naive triple loop for every transpose combination",
          arguments: [(Transpose.none, Transpose.none), (.none, .transposed), (.transposed, .none), (.transposed, .transposed)])
    func gemmMatchesNaive(ta: Transpose, tb: Transpose) {
        let (m, n, k) = (5, 7, 11)
        let a = ta == .none ? Self.random(m, k, seed: 1) : Self.random(k, m, seed: 1)
        let b = tb == .none ? Self.random(k, n, seed: 2) : Self.random(n, k, seed: 2)
        let c = BLAS.gemm(a, ta, b, tb)
        let reference = Self.naive(a, ta, b, tb)
        #expect(c.rows == m && c.columns == n)
        for i in 0..<c.count { #expect(abs(c.storage[i] - reference.storage[i]) < Tolerance.blas) }
    }

    @Test("the float32 routines (sgemm, sgemv) match a naive loop in double to float32's precision",
          arguments: [(Transpose.none, Transpose.transposed), (.transposed, .none)])
    func singlePrecision(ta: Transpose, tb: Transpose) {
        let (m, n, k) = (6, 9, 33)
        let a = ta == .none ? Self.random(m, k, seed: 5) : Self.random(k, m, seed: 5)
        let b = tb == .none ? Self.random(k, n, seed: 6) : Self.random(n, k, seed: 6)
        let fa = a.storage.map { Float($0) }, fb = b.storage.map { Float($0) }
        var c = [Float](repeating: 0, count: m * n), y = [Float](repeating: 0, count: m)
        fa.withUnsafeBufferPointer { pa in fb.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                BLAS.gemm(ta, tb, m: m, n: n, k: k, a: pa.baseAddress!, lda: a.columns, b: pb.baseAddress!, ldb: b.columns,
                          c: pc.baseAddress!, ldc: n)
            }
            y.withUnsafeMutableBufferPointer { py in
                BLAS.gemv(ta, rows: a.rows, columns: a.columns, a: pa.baseAddress!, lda: a.columns, x: pb.baseAddress!, y: py.baseAddress!)
            }
        } }
        let rounded = { (x: Matrix) in Matrix(rows: x.rows, columns: x.columns, storage: x.storage.map { Double(Float($0)) }) }
        let reference = Self.naive(rounded(a), ta, rounded(b), tb)
        // k = 33 products of values in ±1, each sum rounding with u = 6e-8: |error| ≤ k·u·Σ|aᵢbᵢ| ≤ 33² · 6e-8 ≈ 7e-5.
        for i in 0..<c.count { #expect(abs(Double(c[i]) - reference.storage[i]) < 7e-5) }
        let x = Array(rounded(b).storage.prefix(ta == .none ? a.columns : a.rows))
        let yReference = BLAS.gemv(rounded(a), ta, x)
        for i in 0..<y.count { #expect(abs(Double(y[i]) - yReference[i]) < 7e-5) }
    }

    @Test("gemm accumulates with alpha and beta into strided output")
    func gemmAlphaBeta() {
        let a = Self.random(3, 4, seed: 3), b = Self.random(4, 2, seed: 4)
        var c = [Double](repeating: 1, count: 3 * 5)  // ldc 5 > n 2: columns 2..4 untouched
        a.storage.withUnsafeBufferPointer { pa in b.storage.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            BLAS.gemm(.none, .none, m: 3, n: 2, k: 4, alpha: 2, a: pa.baseAddress!, lda: 4, b: pb.baseAddress!, ldb: 2,
                      beta: 0.5, c: pc.baseAddress!, ldc: 5)
        } } }
        let reference = Self.naive(a, .none, b, .none)
        for i in 0..<3 { for j in 0..<5 {
            let expected = j < 2 ? 2 * reference[i, j] + 0.5 : 1
            #expect(abs(c[i * 5 + j] - expected) < Tolerance.blas)
        } }
    }

    @Test("gemv matches plain loops")
    func vectorOperations() {
        let a = Self.random(4, 3, seed: 5)
        let x3 = [0.5, -1, 2.0], x4 = [1, 2, 3, -4.0]
        let y = BLAS.gemv(a, .none, x3), yt = BLAS.gemv(a, .transposed, x4)
        for i in 0..<4 { #expect(abs(y[i] - (0..<3).reduce(0) { $0 + a[i, $1] * x3[$1] }) < Tolerance.blas) }
        for j in 0..<3 { #expect(abs(yt[j] - (0..<4).reduce(0) { $0 + a[$1, j] * x4[$1] }) < Tolerance.blas) }
    }
}
