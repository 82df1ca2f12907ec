import CSIMD
import Testing
import EBMCore

/// The thin layers' kernels (`ThinLayer.c`) run AVX-512 lanes where the CPU has them and AVX2
/// lanes otherwise. Determinism across workers rests on both giving the same bits, and on the
/// element-wise ones giving the bits of the scalar loops they replaced; these compare them over
/// every shape the MLP uses them for (1–4 inputs, 1–2 outputs) and widths around a lane group.
@Suite("thin-layer kernels")
struct ThinLayerKernelTests {
    static let rows = 5
    /// Below, at, just past and well past a group of 16 floats (8 doubles).
    static let widths = [1, 15, 16, 17, 37]

    /// Values with exact zeros, ±∞ and a NaN among them, so the rectifier's select sees every case.
    static func values(_ count: Int, seed: UInt64) -> [Double] {
        var random = RandomSource(seed: seed)
        return (0..<count).map { i in
            switch i % 23 {
            case 3: 0
            case 7 where seed == 5: .infinity
            case 11 where seed == 1: -.infinity
            case 17: seed == 6 ? .nan : random.uniform(-2, 2)
            default: random.uniform(-2, 2)
            }
        }
    }

    /// Every kernel at one lane width over one shape, in precision T: for slopes 0 and 0.01, the
    /// rectified and plain affine layer, the gated adjoint, the plain adjoint, the input gradient.
    static func run<T: BinaryFloatingPoint & SIMDScalar>(_ bits: Int32, _: T.Type, inputs: Int, outputs: Int,
                                                          width: Int) -> [[T]] {
        let x = Buffer<T>(values(rows * inputs, seed: 1)), columns = Buffer<T>(values(max(inputs, outputs) * width, seed: 2))
        let b = Buffer<T>(values(width, seed: 3)), u = Buffer<T>(values(rows * outputs, seed: 4))
        let a = Buffer<T>(values(rows * width, seed: 5)), adjoint = Buffer<T>(values(rows * width, seed: 6))
        var results: [[T]] = []
        for slope in [0.0, 0.01] {
            let affine = Buffer<T>(count: rows * width), plain = Buffer<T>(count: rows * width)
            let gated = Buffer<T>(count: rows * width), thin = Buffer<T>(count: rows * width)
            let gradient = Buffer<T>(count: rows * inputs)
            if T.self == Float.self {
                ebm_thin_affine_f32_isa(bits, rows, inputs, width, columns.f, b.f, x.f, 1, Float(slope), affine.f)
                ebm_thin_affine_f32_isa(bits, rows, inputs, width, columns.f, b.f, x.f, 0, 0, plain.f)
                ebm_thin_adjoint_f32_isa(bits, rows, outputs, width, u.f, columns.f, a.f, Float(slope), gated.f)
                ebm_thin_adjoint_f32_isa(bits, rows, outputs, width, u.f, columns.f, nil, 0, thin.f)
                ebm_rectified_input_gradient_f32_isa(bits, rows, inputs, width, adjoint.f, a.f, Float(slope), columns.f,
                                                     gradient.f)
            } else {
                ebm_thin_affine_f64_isa(bits, rows, inputs, width, columns.d, b.d, x.d, 1, slope, affine.d)
                ebm_thin_affine_f64_isa(bits, rows, inputs, width, columns.d, b.d, x.d, 0, 0, plain.d)
                ebm_thin_adjoint_f64_isa(bits, rows, outputs, width, u.d, columns.d, a.d, slope, gated.d)
                ebm_thin_adjoint_f64_isa(bits, rows, outputs, width, u.d, columns.d, nil, 0, thin.d)
                ebm_rectified_input_gradient_f64_isa(bits, rows, inputs, width, adjoint.d, a.d, slope, columns.d, gradient.d)
            }
            results += [affine.values, plain.values, gated.values, thin.values, gradient.values]
        }
        return results
    }

    static let shapes = (1...4).flatMap { inputs in widths.map { (inputs, inputs <= 2 ? inputs : 1, $0) } }

    @Test("AVX-512 and AVX2 lanes give the same bits for every number, in both precisions, over every shape",
          .enabled(if: ebm_cpu_vector_bits() >= 512, "this CPU has no AVX-512"))
    func lanesAgree() {
        for (inputs, outputs, width) in Self.shapes {
            let f512 = Self.run(512, Float.self, inputs: inputs, outputs: outputs, width: width)
            let f256 = Self.run(256, Float.self, inputs: inputs, outputs: outputs, width: width)
            #expect(f512.map { $0.map(\.canonicalBits) } == f256.map { $0.map(\.canonicalBits) }, "float \(inputs)×\(width)")
            let d512 = Self.run(512, Double.self, inputs: inputs, outputs: outputs, width: width)
            let d256 = Self.run(256, Double.self, inputs: inputs, outputs: outputs, width: width)
            #expect(d512.map { $0.map(\.canonicalBits) } == d256.map { $0.map(\.canonicalBits) }, "double \(inputs)×\(width)")
        }
    }

    @Test("the element-wise kernels give the scalar loops' bits (the activation's own φ); the input gradient is the sum it claims")
    func matchScalarLoops() {
        for (inputs, outputs, width) in Self.shapes {
            check(Float.self, inputs: inputs, outputs: outputs, width: width)
            check(Double.self, inputs: inputs, outputs: outputs, width: width)
        }
    }

    func check<T: Scalar>(_: T.Type, inputs: Int, outputs: Int, width: Int) {
        let rows = Self.rows
        let x = Self.values(rows * inputs, seed: 1).map { T($0) }, columns = Self.values(max(inputs, outputs) * width, seed: 2).map { T($0) }
        let b = Self.values(width, seed: 3).map { T($0) }, u = Self.values(rows * outputs, seed: 4).map { T($0) }
        let a = Self.values(rows * width, seed: 5).map { T($0) }, adjoint = Self.values(rows * width, seed: 6).map { T($0) }
        let results = Self.run(ebm_cpu_vector_bits(), T.self, inputs: inputs, outputs: outputs, width: width)
        let shape = "\(T.self) \(inputs) in, \(outputs) out, width \(width)"
        for (s, kind) in [ActivationKind.relu, .leakyRelu].enumerated() {
            let affine = results[5 * s], plain = results[5 * s + 1], gated = results[5 * s + 2], thin = results[5 * s + 3]
            let gradient = results[5 * s + 4]
            // The reverse pass's slope: ā where a > 0, else φ′ below zero times ā (relu selects 0).
            func gate(_ v: T, by activation: T) -> T { 0 < activation ? v : (kind == .relu ? 0 : T(ActivationKind.leakySlope) * v) }
            for r in 0..<rows {
                for j in 0..<width {
                    var z = b[j]
                    for i in 0..<inputs { z += x[r * inputs + i] * columns[i * width + j] }
                    let k = r * width + j
                    #expect(plain[k].canonicalBits == z.canonicalBits, "z[\(r), \(j)] \(shape)")
                    #expect(affine[k].canonicalBits == kind.value(z).canonicalBits, "\(kind)(z)[\(r), \(j)] \(shape)")
                    var sum = u[r * outputs] * columns[j]
                    if outputs == 2 { sum += u[r * outputs + 1] * columns[width + j] }
                    #expect(thin[k].canonicalBits == sum.canonicalBits, "ā[\(r), \(j)] \(shape)")
                    #expect(gated[k].canonicalBits == gate(sum, by: a[k]).canonicalBits, "z̄[\(r), \(j)] \(kind) \(shape)")
                }
                for i in 0..<inputs {
                    var sum = 0.0, magnitude = 0.0
                    for j in 0..<width {
                        let term = Double(gate(adjoint[r * width + j], by: a[r * width + j])) * Double(columns[i * width + j])
                        sum += term; magnitude += abs(term)
                    }
                    // Summed in lanes, then halved: another order than this loop's, so equal up to
                    // rounding in T (recursive summation's bound, (n + 4)·ε of the terms' magnitude).
                    let value = Double(gradient[r * inputs + i])
                    let tolerance = Double(width + 4) * Double(T.ulpOfOne) * magnitude
                    #expect(sum.isNaN ? value.isNaN : (sum.isInfinite ? value == sum : abs(value - sum) <= tolerance),
                            "x̄[\(r), \(i)] \(kind) \(shape)")
                }
            }
        }
    }
}

extension BinaryFloatingPoint {
    /// The bit pattern as an integer, every NaN made one (the ISA copies may differ in its sign).
    var canonicalBits: UInt64 {
        isNaN ? .max : UInt64(truncatingIfNeeded: Int64(exponentBitPattern)) << 52 ^ UInt64(truncatingIfNeeded: Int64(significandBitPattern)) ^ (sign == .minus ? 1 << 63 : 0)
    }
}

/// A heap buffer of T holding given values, freed with its owner; typed views for the C calls.
private final class Buffer<T: BinaryFloatingPoint> {
    let pointer: UnsafeMutablePointer<T>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    convenience init(_ values: [Double]) {
        self.init(count: values.count)
        for (i, v) in values.enumerated() { pointer[i] = T(v) }
    }

    deinit { pointer.deallocate() }

    var values: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    var f: UnsafeMutablePointer<Float> { UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self) }
    var d: UnsafeMutablePointer<Double> { UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Double.self) }
}
