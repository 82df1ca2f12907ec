import CSIMD
import Foundation

/// The arithmetic a run trains and samples in: `float32`, the course templates' (PyTorch's default)
/// dtype and the default, or `float64`. Metrics are float64 either way.
public enum Precision: String, Codable, CaseIterable, Sendable {
    case float32
    case float64
}

/// A floating-point type the numerics run in: `Float` or `Double`.
///
/// Every kernel (MLP passes, objectives, Langevin, optimiser, activations) is written once,
/// generic over `Scalar`, and specialised by the compiler for each type: the trainer picks the
/// type once, from `TrainingConfig.precision`, and calls concrete code from there on (no
/// existentials in the hot loop, so nothing runs unspecialised). What genuinely differs per type
/// lives in the conformances: the BLAS routine (`BLAS.swift`), the lane width, and the
/// polynomials of softplus (`Scalar+Softplus.swift`), whose degree follows the precision.
public protocol Scalar: BinaryFloatingPoint, SIMDScalar, Sendable, BLASScalar
where Lanes.Scalar == Self, SoftplusLanes.Scalar == Self {
    /// One AVX register of values, the element-wise kernels' unit of work: SIMD8<Float>,
    /// SIMD4<Double>. (SIMD8<Double> was lowered split, spilled and partly scalar.)
    associatedtype Lanes: SIMD
    /// Two registers' worth, for softplus: its long dependent chain gains from two independent
    /// groups in flight (5.0 vs 6.1 ns per double measured).
    associatedtype SoftplusLanes: SIMD

    static var precision: Precision { get }

    /// Correctly rounded √ of every lane (vsqrtps/vsqrtpd; `squareRoot()` per lane is a libm call).
    static func squareRoot(_ x: Lanes) -> Lanes

    /// a < b ? x : y on every lane, IEEE's < (false with a NaN). In C (`CSIMD.h`): Swift's lane
    /// comparisons on eight floats compiled to a scalar loop, and were a third of an ML iteration.
    /// Two-register groups go through the C function half by half: a C function taking 512-bit
    /// vectors by value has another calling convention without AVX-512, and Swift and clang
    /// disagreed on it (a corrupted stack).
    static func select(_ a: Lanes, lessThan b: Lanes, _ x: Lanes, else y: Lanes) -> Lanes
    static func select(_ a: SoftplusLanes, lessThan b: SoftplusLanes, _ x: SoftplusLanes, else y: SoftplusLanes) -> SoftplusLanes

    /// eˣ for x ≤ 0, accurate to the type's precision (no libm call, vectorisable).
    static func expNonPositive(_ x: SoftplusLanes) -> SoftplusLanes
    /// log(1 + e) for e ∈ [0, 1], accurate to the type's precision.
    static func log1pUnit(_ e: SoftplusLanes) -> SoftplusLanes

    /// libm's functions in this precision (scalar; cold or short loops only).
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
}

extension Float: Scalar {
    public typealias Lanes = SIMD8<Float>
    public typealias SoftplusLanes = SIMD16<Float>
    public static var precision: Precision { .float32 }
    @inline(__always) public static func squareRoot(_ x: Lanes) -> Lanes { ebm_sqrt8f(x) }
    @inline(__always) public static func select(_ a: Lanes, lessThan b: Lanes, _ x: Lanes, else y: Lanes) -> Lanes {
        ebm_less8f(a, b, x, y)
    }
    @inline(__always) public static func select(_ a: SoftplusLanes, lessThan b: SoftplusLanes, _ x: SoftplusLanes,
                                                else y: SoftplusLanes) -> SoftplusLanes {
        SoftplusLanes(lowHalf: select(a.lowHalf, lessThan: b.lowHalf, x.lowHalf, else: y.lowHalf),
                      highHalf: select(a.highHalf, lessThan: b.highHalf, x.highHalf, else: y.highHalf))
    }
    @inline(__always) public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { Foundation.log(x) }
    @inline(__always) public static func log1p(_ x: Float) -> Float { Foundation.log1p(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
}

extension Double: Scalar {
    public typealias Lanes = SIMD4<Double>
    public typealias SoftplusLanes = SIMD8<Double>
    public static var precision: Precision { .float64 }
    @inline(__always) public static func squareRoot(_ x: Lanes) -> Lanes { ebm_sqrt4(x) }
    @inline(__always) public static func select(_ a: Lanes, lessThan b: Lanes, _ x: Lanes, else y: Lanes) -> Lanes {
        ebm_less4(a, b, x, y)
    }
    @inline(__always) public static func select(_ a: SoftplusLanes, lessThan b: SoftplusLanes, _ x: SoftplusLanes,
                                                else y: SoftplusLanes) -> SoftplusLanes {
        SoftplusLanes(lowHalf: select(a.lowHalf, lessThan: b.lowHalf, x.lowHalf, else: y.lowHalf),
                      highHalf: select(a.highHalf, lessThan: b.highHalf, x.highHalf, else: y.highHalf))
    }
    @inline(__always) public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) public static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
}

extension UnsafePointer where Pointee: Scalar {
    /// `Lanes.scalarCount` consecutive values from here.
    @inline(__always) func lanes(at offset: Int) -> Pointee.Lanes {
        UnsafeRawPointer(self + offset).loadUnaligned(as: Pointee.Lanes.self)
    }
}

extension UnsafeMutablePointer where Pointee: Scalar {
    @inline(__always) func lanes(at offset: Int) -> Pointee.Lanes {
        UnsafeRawPointer(self + offset).loadUnaligned(as: Pointee.Lanes.self)
    }

    @inline(__always) func store(_ value: Pointee.Lanes, at offset: Int) {
        UnsafeMutableRawPointer(self + offset).storeBytes(of: value, as: Pointee.Lanes.self)
    }
}

extension Array where Element == Double {
    /// Each value rounded to `T` (exact for float64, and for values a float32 run produced).
    public func converted<T: Scalar>(to _: T.Type) -> [T] { map { T($0) } }
}
