#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Eight doubles, the element-wise kernels' unit of work (four SSE2 registers on x86-64).
typealias Lanes = SIMD8<Double>

extension UnsafePointer where Pointee == Double {
    /// Eight consecutive values from here.
    @inline(__always) func lanes(at offset: Int) -> Lanes {
        UnsafeRawPointer(self + offset).loadUnaligned(as: Lanes.self)
    }
}

extension UnsafeMutablePointer where Pointee == Double {
    @inline(__always) func lanes(at offset: Int) -> Lanes {
        UnsafeRawPointer(self + offset).loadUnaligned(as: Lanes.self)
    }

    @inline(__always) func store(_ value: Lanes, at offset: Int) {
        UnsafeMutableRawPointer(self + offset).storeBytes(of: value, as: Lanes.self)
    }
}

extension SIMD8 where Scalar == Double {
    /// Correctly rounded √ of every lane, as one instruction per register.
    ///
    /// Why not `squareRoot()`: on Linux it lowers to libm's `sqrt` with its errno check, one
    /// scalar call per lane that never vectorises. `sqrtpd` is IEEE-exact like `sqrt`, so the
    /// bits are the same.
    @inline(__always) var laneSquareRoot: Self {
        #if arch(x86_64)
        let a = _mm_sqrt_pd(SIMD2(self[0], self[1])), b = _mm_sqrt_pd(SIMD2(self[2], self[3]))
        let c = _mm_sqrt_pd(SIMD2(self[4], self[5])), d = _mm_sqrt_pd(SIMD2(self[6], self[7]))
        return Self(lowHalf: SIMD4(lowHalf: a, highHalf: b), highHalf: SIMD4(lowHalf: c, highHalf: d))
        #else
        var r = self
        for i in 0..<8 { r[i] = self[i].squareRoot() }
        return r
        #endif
    }
}
