import CSIMD

/// Eight doubles, the element-wise kernels' unit of work (two AVX registers on x86-64).
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
    /// Correctly rounded √ of every lane, vectorised (see `CSIMD.h`: Swift's `squareRoot()` is a
    /// scalar libm call per lane). IEEE-exact, so the bits are those of `squareRoot()`.
    @inline(__always) var laneSquareRoot: Self { ebm_sqrt8(self) }
}
