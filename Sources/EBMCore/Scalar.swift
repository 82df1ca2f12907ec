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
/// lives in the conformances: the BLAS routine (`BLAS.swift`), the lane width, and softplus,
/// whose kernel is in C (`Softplus.c`) so that it can run AVX-512 lanes where the CPU has them.
public protocol Scalar: BinaryFloatingPoint, SIMDScalar, Sendable, BLASScalar
where Lanes.Scalar == Self {
    /// One AVX register of values, the element-wise kernels' unit of work: SIMD8<Float>,
    /// SIMD4<Double>. (SIMD8<Double> was lowered split, spilled and partly scalar.)
    associatedtype Lanes: SIMD

    static var precision: Precision { get }

    /// Correctly rounded √ of every lane (vsqrtps/vsqrtpd; `squareRoot()` per lane is a libm call).
    static func squareRoot(_ x: Lanes) -> Lanes

    /// a < b ? x : y on every lane, IEEE's < (false with a NaN). In C (`CSIMD.h`): Swift's lane
    /// comparisons on eight floats compiled to a scalar loop, and were a third of an ML iteration.
    static func select(_ a: Lanes, lessThan b: Lanes, _ x: Lanes, else y: Lanes) -> Lanes

    /// a = softplus(z), and where given d1 = σ(z), d2 = σ′(z), over `count` values; z may be a.
    /// In C (`Softplus.c`): AVX-512 lanes where the CPU has them, AVX2 otherwise, the same bits.
    static func softplus(count: Int, z: UnsafePointer<Self>, a: UnsafeMutablePointer<Self>,
                         d1: UnsafeMutablePointer<Self>?, d2: UnsafeMutablePointer<Self>?)

    /// The first layer's z [rows, width] = b + x·Wᵀ from W's columns laid out apart (`columns[i·width + j]`
    /// = W[j, i]), rectified on the registers when `rectifierSlope` is given (`ThinLayer.c`).
    static func thinAffine(rows: Int, inputs: Int, width: Int, columns: UnsafePointer<Self>, bias: UnsafePointer<Self>,
                           input: UnsafePointer<Self>, rectifierSlope: Self?, output: UnsafeMutablePointer<Self>)

    /// The thin output layer's adjoint ā [rows, width] = u [rows, outputs]·W [outputs, width], then
    /// where `rectifier` (the layer's activations a and the slope below zero) is given,
    /// a > 0 ? ā : slope·ā (`ThinLayer.c`).
    static func thinAdjoint(rows: Int, outputs: Int, width: Int, upstream: UnsafePointer<Self>, weights: UnsafePointer<Self>,
                            rectifier: (activations: UnsafePointer<Self>, slope: Self)?, into: UnsafeMutablePointer<Self>)

    /// ∂loss/∂x [rows, inputs] = z̄·W₀ with z̄ = a > 0 ? ā : slope·ā, from the first layer's adjoint ā
    /// and activations a [rows, width] and W₀'s columns laid out apart, in one pass (`ThinLayer.c`).
    static func rectifiedInputGradient(rows: Int, inputs: Int, width: Int, adjoint: UnsafePointer<Self>,
                                       activations: UnsafePointer<Self>, slope: Self, columns: UnsafePointer<Self>,
                                       into: UnsafeMutablePointer<Self>)

    /// out [rows, width] = the row `bias` repeated (`BiasRows.c`).
    static func fillRows(rows: Int, width: Int, bias: UnsafePointer<Self>, into out: UnsafeMutablePointer<Self>)

    /// libm's functions in this precision (scalar; cold or short loops only).
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
}

extension Float: Scalar {
    public typealias Lanes = SIMD8<Float>
    public static var precision: Precision { .float32 }
    @inline(__always) public static func squareRoot(_ x: Lanes) -> Lanes { ebm_sqrt8f(x) }
    @inline(__always) public static func select(_ a: Lanes, lessThan b: Lanes, _ x: Lanes, else y: Lanes) -> Lanes {
        ebm_less8f(a, b, x, y)
    }
    @inline(__always) public static func softplus(count: Int, z: UnsafePointer<Float>, a: UnsafeMutablePointer<Float>,
                                                  d1: UnsafeMutablePointer<Float>?, d2: UnsafeMutablePointer<Float>?) {
        ebm_softplus_f32(count, z, a, d1, d2)
    }
    @inline(__always) public static func thinAffine(
        rows: Int, inputs: Int, width: Int, columns: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        input: UnsafePointer<Float>, rectifierSlope: Float?, output: UnsafeMutablePointer<Float>
    ) {
        ebm_thin_affine_f32(rows, inputs, width, columns, bias, input, rectifierSlope == nil ? 0 : 1, rectifierSlope ?? 0, output)
    }
    @inline(__always) public static func thinAdjoint(
        rows: Int, outputs: Int, width: Int, upstream: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        rectifier: (activations: UnsafePointer<Float>, slope: Float)?, into: UnsafeMutablePointer<Float>
    ) {
        ebm_thin_adjoint_f32(rows, outputs, width, upstream, weights, rectifier?.activations, rectifier?.slope ?? 0, into)
    }
    @inline(__always) public static func rectifiedInputGradient(
        rows: Int, inputs: Int, width: Int, adjoint: UnsafePointer<Float>, activations: UnsafePointer<Float>,
        slope: Float, columns: UnsafePointer<Float>, into: UnsafeMutablePointer<Float>
    ) {
        ebm_rectified_input_gradient_f32(rows, inputs, width, adjoint, activations, slope, columns, into)
    }
    @inline(__always) public static func fillRows(rows: Int, width: Int, bias: UnsafePointer<Float>,
                                                  into out: UnsafeMutablePointer<Float>) {
        ebm_fill_rows_f32(rows, width, bias, out)
    }
    @inline(__always) public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { Foundation.log(x) }
    @inline(__always) public static func log1p(_ x: Float) -> Float { Foundation.log1p(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
}

extension Double: Scalar {
    public typealias Lanes = SIMD4<Double>
    public static var precision: Precision { .float64 }
    @inline(__always) public static func squareRoot(_ x: Lanes) -> Lanes { ebm_sqrt4(x) }
    @inline(__always) public static func select(_ a: Lanes, lessThan b: Lanes, _ x: Lanes, else y: Lanes) -> Lanes {
        ebm_less4(a, b, x, y)
    }
    @inline(__always) public static func softplus(count: Int, z: UnsafePointer<Double>, a: UnsafeMutablePointer<Double>,
                                                  d1: UnsafeMutablePointer<Double>?, d2: UnsafeMutablePointer<Double>?) {
        ebm_softplus_f64(count, z, a, d1, d2)
    }
    @inline(__always) public static func thinAffine(
        rows: Int, inputs: Int, width: Int, columns: UnsafePointer<Double>, bias: UnsafePointer<Double>,
        input: UnsafePointer<Double>, rectifierSlope: Double?, output: UnsafeMutablePointer<Double>
    ) {
        ebm_thin_affine_f64(rows, inputs, width, columns, bias, input, rectifierSlope == nil ? 0 : 1, rectifierSlope ?? 0, output)
    }
    @inline(__always) public static func thinAdjoint(
        rows: Int, outputs: Int, width: Int, upstream: UnsafePointer<Double>, weights: UnsafePointer<Double>,
        rectifier: (activations: UnsafePointer<Double>, slope: Double)?, into: UnsafeMutablePointer<Double>
    ) {
        ebm_thin_adjoint_f64(rows, outputs, width, upstream, weights, rectifier?.activations, rectifier?.slope ?? 0, into)
    }
    @inline(__always) public static func rectifiedInputGradient(
        rows: Int, inputs: Int, width: Int, adjoint: UnsafePointer<Double>, activations: UnsafePointer<Double>,
        slope: Double, columns: UnsafePointer<Double>, into: UnsafeMutablePointer<Double>
    ) {
        ebm_rectified_input_gradient_f64(rows, inputs, width, adjoint, activations, slope, columns, into)
    }
    @inline(__always) public static func fillRows(rows: Int, width: Int, bias: UnsafePointer<Double>,
                                                  into out: UnsafeMutablePointer<Double>) {
        ebm_fill_rows_f64(rows, width, bias, out)
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
