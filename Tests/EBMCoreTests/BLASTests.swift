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

    @Test("gemv, axpy and scal match plain loops")
    func vectorOperations() {
        let a = Self.random(4, 3, seed: 5)
        let x3 = [0.5, -1, 2.0], x4 = [1, 2, 3, -4.0]
        let y = BLAS.gemv(a, .none, x3), yt = BLAS.gemv(a, .transposed, x4)
        for i in 0..<4 { #expect(abs(y[i] - (0..<3).reduce(0) { $0 + a[i, $1] * x3[$1] }) < Tolerance.blas) }
        for j in 0..<3 { #expect(abs(yt[j] - (0..<4).reduce(0) { $0 + a[$1, j] * x4[$1] }) < Tolerance.blas) }
        var v = [1.0, 2, 3]
        v.withUnsafeMutableBufferPointer { pv in
            x3.withUnsafeBufferPointer { px in BLAS.axpy(count: 3, alpha: 2, x: px.baseAddress!, y: pv.baseAddress!) }
            BLAS.scal(count: 3, alpha: -1, x: pv.baseAddress!)
        }
        #expect(v == [-2, 0, -7])
    }
}
