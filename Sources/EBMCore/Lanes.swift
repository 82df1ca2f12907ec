import CSIMD

/// Four doubles, the element-wise kernels' unit of work: one AVX register on x86-64. SIMD8 (two
/// registers) was lowered with lanes split, spilled and partly scalarised (Adam's update took
/// 0.40 ms for 133k parameters; 0.23 ms in SIMD4), for the same bits: every operation is lane-wise.
/// Softplus keeps eight lanes (`SoftplusLanes`), where that lowering is clean and the extra
/// independent chain pays.
typealias Lanes = SIMD4<Double>

extension UnsafePointer where Pointee == Double {
    /// `Lanes.scalarCount` consecutive values from here.
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

extension SIMD4 where Scalar == Double {
    /// Correctly rounded √ of every lane, vectorised (see `CSIMD.h`: Swift's `squareRoot()` is a
    /// scalar libm call per lane). IEEE-exact, so the bits are those of `squareRoot()`.
    @inline(__always) var laneSquareRoot: Self { ebm_sqrt4(self) }
}
