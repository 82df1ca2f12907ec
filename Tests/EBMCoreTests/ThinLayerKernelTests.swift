import CSIMD
import Testing
import EBMCore

/// The thin layers' kernels (`ThinLayer.c`) run AVX-512 lanes where the CPU has them and AVX2
/// lanes otherwise. Determinism across workers rests on both giving the same bits, and on the
/// element-wise ones giving the bits of the scalar loops they replaced; these compare them.
@Suite("thin-layer kernels")
struct ThinLayerKernelTests {
    /// 37 units: two full groups of 16 floats (four of 8 doubles) and a tail.
    static let rows = 9, inputs = 2, width = 37

    static func values(_ count: Int, seed: UInt64) -> [Double] {
        var random = RandomSource(seed: seed)
        // Some exact zeros and a NaN, so the rectifier's select sees every case.
        return (0..<count).map { i in i % 11 == 3 ? 0 : (i == 17 ? .nan : random.uniform(-2, 2)) }
    }

    /// Every kernel at one lane width, in precision T, on the same inputs: for slopes 0 and 0.01,
    /// the rectified and plain affine layer, the gated two-output and plain one-output adjoint,
    /// and the input gradient.
    static func run<T: BinaryFloatingPoint & SIMDScalar>(_ bits: Int32, _: T.Type) -> [[T]] {
        let x = Buffer<T>(values(rows * inputs, seed: 1)), columns = Buffer<T>(values(inputs * width, seed: 2))
        let b = Buffer<T>(values(width, seed: 3)), u = Buffer<T>(values(rows * 2, seed: 4))
        let a = Buffer<T>(values(rows * width, seed: 5)), adjoint = Buffer<T>(values(rows * width, seed: 6))
        var results: [[T]] = []
        for slope in [0.0, 0.01] {
            let affine = Buffer<T>(count: rows * width), plain = Buffer<T>(count: rows * width)
            let gated = Buffer<T>(count: rows * width), thin = Buffer<T>(count: rows * width)
            let gradient = Buffer<T>(count: rows * inputs)
            if T.self == Float.self {
                ebm_thin_affine_f32_isa(bits, rows, inputs, width, columns.f, b.f, x.f, 1, Float(slope), affine.f)
                ebm_thin_affine_f32_isa(bits, rows, inputs, width, columns.f, b.f, x.f, 0, 0, plain.f)
                ebm_thin_adjoint_f32_isa(bits, rows, 2, width, u.f, columns.f, a.f, Float(slope), gated.f)
                ebm_thin_adjoint_f32_isa(bits, rows, 1, width, u.f, columns.f, nil, 0, thin.f)
                ebm_rectified_input_gradient_f32_isa(bits, rows, inputs, width, adjoint.f, a.f, Float(slope), columns.f,
                                                     gradient.f)
            } else {
                ebm_thin_affine_f64_isa(bits, rows, inputs, width, columns.d, b.d, x.d, 1, slope, affine.d)
                ebm_thin_affine_f64_isa(bits, rows, inputs, width, columns.d, b.d, x.d, 0, 0, plain.d)
                ebm_thin_adjoint_f64_isa(bits, rows, 2, width, u.d, columns.d, a.d, slope, gated.d)
                ebm_thin_adjoint_f64_isa(bits, rows, 1, width, u.d, columns.d, nil, 0, thin.d)
                ebm_rectified_input_gradient_f64_isa(bits, rows, inputs, width, adjoint.d, a.d, slope, columns.d, gradient.d)
            }
            results += [affine.values, plain.values, gated.values, thin.values, gradient.values]
        }
        return results
    }

    @Test("AVX-512 and AVX2 lanes give the same bits, in both precisions",
          .enabled(if: ebm_cpu_vector_bits() >= 512, "this CPU has no AVX-512"))
    func lanesAgree() {
        #expect(Self.run(512, Float.self).map { $0.map(\.bitPattern) } == Self.run(256, Float.self).map { $0.map(\.bitPattern) })
        #expect(Self.run(512, Double.self).map { $0.map(\.bitPattern) } == Self.run(256, Double.self).map { $0.map(\.bitPattern) })
    }

    @Test("the element-wise kernels give the scalar loops' bits; the input gradient is the sum it claims")
    func matchScalarLoops() {
        let x = Self.values(Self.rows * Self.inputs, seed: 1), columns = Self.values(Self.inputs * Self.width, seed: 2)
        let b = Self.values(Self.width, seed: 3), u = Self.values(Self.rows * 2, seed: 4)
        let a = Self.values(Self.rows * Self.width, seed: 5), adjoint = Self.values(Self.rows * Self.width, seed: 6)
        let results = Self.run(ebm_cpu_vector_bits(), Double.self)
        for (s, slope) in [0.0, 0.01].enumerated() {
            let affine = results[5 * s], plain = results[5 * s + 1], gated = results[5 * s + 2], thin = results[5 * s + 3]
            let gradient = results[5 * s + 4]
            func rectify(_ v: Double, _ by: Double) -> Double { 0 < by ? v : (slope == 0 ? 0 : slope * v) }
            for r in 0..<Self.rows {
                for j in 0..<Self.width {
                    var z = b[j]
                    for i in 0..<Self.inputs { z += x[r * Self.inputs + i] * columns[i * Self.width + j] }
                    let k = r * Self.width + j
                    #expect(plain[k].bitPattern == z.bitPattern, "z[\(r), \(j)]")
                    #expect(affine[k].bitPattern == rectify(z, z).bitPattern, "φ(z)[\(r), \(j)] slope \(slope)")
                    let two = u[r * 2] * columns[j] + u[r * 2 + 1] * columns[Self.width + j]
                    #expect(gated[k].bitPattern == rectify(two, a[k]).bitPattern, "gated[\(r), \(j)] slope \(slope)")
                    #expect(thin[k].bitPattern == (u[r] * columns[j]).bitPattern, "thin[\(r), \(j)]")
                }
                for i in 0..<Self.inputs {
                    var sum = 0.0, magnitude = 0.0
                    for j in 0..<Self.width {
                        let term = rectify(adjoint[r * Self.width + j], a[r * Self.width + j]) * columns[i * Self.width + j]
                        sum += term; magnitude += abs(term)
                    }
                    // Summed in lanes, then halved: another order than this loop's, so equal up to rounding.
                    let value = gradient[r * Self.inputs + i]
                    #expect(sum.isNaN ? value.isNaN : abs(value - sum) <= 1e-15 * magnitude, "x̄[\(r), \(i)] slope \(slope)")
                }
            }
        }
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
