import Foundation
import Testing
import EBMCore
import TestSupport

@Suite("Gradients against central differences")
struct GradientTests {
    /// Away from ReLU's kink at 0 (finite differences straddling it would be meaningless), and
    /// one point beyond softplus's threshold 20 to cover the linear branch.
    static let points = [-3.1, -0.8, -0.05, 0.3, 1.7, 4.2]
    /// Beyond softplus's threshold 20 (its linear branch); other activations' derivatives there are
    /// ~1e-10, below what a difference quotient can resolve.
    static let softplusTail = 25.0

    @Test("every activation's first and second derivative match finite differences", arguments: ActivationKind.allCases)
    func activationDerivatives(kind: ActivationKind) {
        for z in Self.points + (kind == .softplus ? [Self.softplusTail] : []) {
            let first = GradientCheck.compare(analytic: [kind.derivative(z)], of: { kind.value($0[0]) }, at: [z])
            let second = GradientCheck.compare(analytic: [kind.secondDerivative(z)], of: { kind.derivative($0[0]) }, at: [z])
            #expect(first.worstError < Tolerance.gradient, "\(kind) φ′ at \(z): \(first)")
            #expect(second.worstError < Tolerance.gradient, "\(kind) φ″ at \(z): \(second)")
        }
    }

    @Test("softplus agrees with libm's log1p(exp(z)) to a few ulps, in the batch and scalar forms")
    func softplusAccuracy() {
        let zs = stride(from: -40.0, through: 19.5, by: 0.37).map { $0 }
        var a = [Double](repeating: 0, count: zs.count), d = a
        zs.withUnsafeBufferPointer { z in a.withUnsafeMutableBufferPointer { ab in d.withUnsafeMutableBufferPointer { db in
            ActivationKind.softplus.applyForTesting(count: zs.count, z: z.baseAddress!, a: ab.baseAddress!, d1: db.baseAddress!)
        } } }
        for (i, z) in zs.enumerated() {
            let reference = Foundation.log1p(Foundation.exp(z))
            #expect(GradientCheck.relativeError(a[i], reference) < Tolerance.ulps, "softplus(\(z))")
            #expect(a[i] == ActivationKind.softplus.value(z))
            #expect(d[i] == ActivationKind.softplus.derivative(z))
            #expect(GradientCheck.relativeError(d[i], 1 / (1 + Foundation.exp(-z))) < Tolerance.ulps, "σ(\(z))")
        }
    }

    @Test("softplus is finite and exact for large negative and positive inputs")
    func softplusStable() {
        #expect(ActivationKind.softplus.value(-800) >= 0)
        #expect(ActivationKind.softplus.value(800) == 800)
        #expect(ActivationKind.softplus.derivative(-800).isFinite)
        // e^−800 underflows; the kernel clamps the exponent at −708, so both are ≈ 3e-308, not 0 or NaN.
        #expect(ActivationKind.softplus.derivative(-800) < 1e-300)
        #expect(ActivationKind.softplus.value(-800) < 1e-300)
    }

    /// A scalar readout Σ_r,o w_ro·out_ro with fixed weights, so every output entry matters.
    static func readout(_ out: Matrix) -> Double {
        var s = 0.0
        for i in 0..<out.count { s += out.storage[i] * (0.3 + 0.1 * Double(i % 7)) }
        return s
    }

    @Test("the MLP's parameter and input gradients match finite differences for every activation",
          arguments: ActivationKind.allCases, [1, 2])
    func mlpGradients(kind: ActivationKind, outputs: Int) {
        let model = Fixtures.smallMLP(outputs: outputs, activation: kind)
        let x = Fixtures.gaussianBlob(rows: 5, seed: 11)
        let layout = model.layout
        let tape = Tape<Double>(layout: layout, capacity: x.rows)
        var gradient = [Double](repeating: 0, count: layout.parameterCount)
        var inputGradient = [Double](repeating: 0, count: x.count)
        model.parameters.withUnsafeBufferPointer { p in
            x.storage.withUnsafeBufferPointer { xb in
                layout.forward(parameters: p.baseAddress!, input: xb.baseAddress!, rows: x.rows, tape: tape, derivatives: .first)
                for i in 0..<(x.rows * outputs) { tape.outputGradient[i] = 0.3 + 0.1 * Double(i % 7) }
                gradient.withUnsafeMutableBufferPointer { g in
                    layout.backward(parameters: p.baseAddress!, tape: tape, gradient: g.baseAddress!, inputGradient: true)
                }
                for i in 0..<x.count { inputGradient[i] = tape.inputGradient[i] }
            }
        }
        let parameterReport = GradientCheck.compare(analytic: gradient, of: { p in
            Self.readout(MLP(layout: layout, parameters: p)(x))
        }, at: model.parameters, floor: Tolerance.networkFloor)
        let inputReport = GradientCheck.compare(analytic: inputGradient, of: { xs in
            Self.readout(model(Matrix(rows: x.rows, columns: 2, storage: xs)))
        }, at: x.storage, floor: Tolerance.networkFloor)
        #expect(parameterReport.worstError < Tolerance.gradient, "\(kind) parameters: \(parameterReport)")
        #expect(inputReport.worstError < Tolerance.gradient, "\(kind) input: \(inputReport)")
    }

    /// ∇ₓf without parameter gradients, as every Langevin step asks for it: a rectifier's first
    /// layer then takes its slopes inside the input-gradient kernel. Width 37 runs full lane groups
    /// and a tail in both precisions' kernels; no hidden layer puts the thin output layer's
    /// adjoint right before it.
    @Test("∇ₓf alone (the Langevin steps' reverse pass) matches finite differences",
          arguments: ActivationKind.allCases, [0, 2])
    func energyInputGradient(kind: ActivationKind, hiddenLayers: Int) {
        let model = Fixtures.smallMLP(outputs: 1, activation: kind, hiddenLayers: hiddenLayers, width: 37)
        let x = Fixtures.gaussianBlob(rows: 5, seed: 11)
        let layout = model.layout
        let tape = Tape<Double>(layout: layout, capacity: x.rows)
        var analytic = [Double](repeating: 0, count: x.count)
        model.parameters.withUnsafeBufferPointer { p in
            x.storage.withUnsafeBufferPointer { xb in
                analytic.withUnsafeMutableBufferPointer { out in
                    layout.energyGradient(parameters: p.baseAddress!, at: xb.baseAddress!, rows: x.rows, tape: tape,
                                          into: out.baseAddress!)
                }
            }
        }
        let report = GradientCheck.compare(analytic: analytic, of: { xs in
            model(Matrix(rows: x.rows, columns: 2, storage: xs)).storage.reduce(0, +)
        }, at: x.storage, floor: Tolerance.networkFloor)
        #expect(report.worstError < Tolerance.gradient, "\(kind), \(hiddenLayers) hidden: \(report)")
    }

    /// Loss and gradient of `evaluate` as plain arrays.
    static func analytic(_ parameters: [Double],
                         _ evaluate: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Double) -> (Double, [Double]) {
        var g = [Double](repeating: 0, count: parameters.count)
        let loss = parameters.withUnsafeBufferPointer { p in
            g.withUnsafeMutableBufferPointer { gb in evaluate(p.baseAddress!, gb.baseAddress!) }
        }
        return (loss, g)
    }

    static func check(_ parameters: [Double], _ evaluate: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Double) -> GradientCheck.Report {
        let (_, g) = analytic(parameters, evaluate)
        return GradientCheck.compare(analytic: g, of: { analytic($0, evaluate).0 }, at: parameters,
                                     floor: Tolerance.networkFloor)
    }

    static let smooth: [ActivationKind] = [.softplus, .tanh, .silu]

    @Test("maximum likelihood's gradient (fixed samples, with the energy regulariser) matches finite differences",
          arguments: smooth)
    func maximumLikelihood(kind: ActivationKind) {
        let model = Fixtures.smallMLP(outputs: 1, activation: kind)
        let objective = MaximumLikelihood<Double>(layout: model.layout, batchSize: 6, stepSize: 0.01, steps: 1,
                                          chainMode: .persistent, energyReg: 0.3)
        let data = Fixtures.gaussianBlob(rows: 6, seed: 1), samples = Fixtures.gaussianBlob(rows: 6, scale: 2, seed: 2)
        let report = data.storage.withUnsafeBufferPointer { d in samples.storage.withUnsafeBufferPointer { s in
            Self.check(model.parameters) { p, g in
                objective.contrast(parameters: p, gradient: g, data: d.baseAddress!, samples: s.baseAddress!, rows: 6)
            }
        } }
        #expect(report.worstError < Tolerance.objectiveGradient, "\(report)")
    }

    @Test("NCE's gradient, including log(1/z), matches finite differences", arguments: smooth + [.leakyRelu])
    func noiseContrastive(kind: ActivationKind) {
        let model = Fixtures.smallMLP(outputs: 1, activation: kind)
        let objective = NoiseContrastive<Double>(layout: model.layout, batchSize: 6, noiseStd: 1.5)
        let data = Fixtures.gaussianBlob(rows: 6, seed: 3), noise = Fixtures.gaussianBlob(rows: 6, scale: 1.5, seed: 4)
        let parameters = model.parameters + [0.37]
        let report = data.storage.withUnsafeBufferPointer { d in noise.storage.withUnsafeBufferPointer { y in
            Self.check(parameters) { p, g in
                objective.contrast(parameters: p, gradient: g, data: d.baseAddress!, noise: y.baseAddress!, rows: 6)
            }
        } }
        #expect(report.worstError < Tolerance.objectiveGradient, "\(report)")
    }

    @Test("ISM's loss has the exact trace and its gradient matches finite differences", arguments: smooth)
    func implicitScoreMatching(kind: ActivationKind) {
        let model = Fixtures.smallMLP(outputs: 2, activation: kind)
        let objective = ImplicitScoreMatching<Double>(layout: model.layout, batchSize: 5)
        let data = Fixtures.gaussianBlob(rows: 5, seed: 5)
        var random = RandomSource(seed: 0)
        let (loss, gradient) = objective.evaluate(parameters: model.parameters, batch: data, random: &random)
        // Reference loss: ½‖s‖² from the plain forward pass, the trace by central differences of s.
        let s = model(data)
        var reference = 0.0
        for r in 0..<data.rows {
            reference += 0.5 * (s[r, 0] * s[r, 0] + s[r, 1] * s[r, 1])
            for k in 0..<2 {
                var up = data.rows(r..<(r + 1)), down = up
                up[0, k] += GradientCheck.defaultStep; down[0, k] -= GradientCheck.defaultStep
                reference += (model(up)[0, k] - model(down)[0, k]) / (2 * GradientCheck.defaultStep)
            }
        }
        reference /= Double(data.rows)
        #expect(GradientCheck.relativeError(loss, reference) < Tolerance.objectiveGradient)
        let report = GradientCheck.compare(analytic: gradient, of: { p in
            var r = RandomSource(seed: 0)
            return objective.evaluate(parameters: p, batch: data, random: &r).loss
        }, at: model.parameters, floor: Tolerance.networkFloor)
        #expect(report.worstError < Tolerance.objectiveGradient, "\(report)")
    }

    /// The product's data are 2-D, whose reverse pass through the tangents is unrolled; this runs the
    /// loop for any other dimension, which nothing else tests, and checks the forward tangents' trace.
    @Test("ISM's gradient matches finite differences in three dimensions", arguments: smooth)
    func implicitScoreMatchingIn3D(kind: ActivationKind) {
        var random = RandomSource(seed: 11)
        let model = MLP(layout: MLP.Layout(inputs: 3, width: 6, hiddenLayers: 2, outputs: 3, activation: kind), random: &random)
        let objective = ImplicitScoreMatching<Double>(layout: model.layout, batchSize: 4)
        var data = Matrix(rows: 4, columns: 3)
        for i in 0..<data.count { data.storage[i] = random.gaussian() }
        var r0 = RandomSource(seed: 0)
        let (loss, gradient) = objective.evaluate(parameters: model.parameters, batch: data, random: &r0)
        // The forward tangents too: ½‖s‖² plus the trace by central differences of s, as in 2-D.
        let s = model(data)
        var reference = 0.0
        for r in 0..<data.rows {
            for k in 0..<3 {
                reference += 0.5 * s[r, k] * s[r, k]
                var up = data.rows(r..<(r + 1)), down = up
                up[0, k] += GradientCheck.defaultStep; down[0, k] -= GradientCheck.defaultStep
                reference += (model(up)[0, k] - model(down)[0, k]) / (2 * GradientCheck.defaultStep)
            }
        }
        #expect(GradientCheck.relativeError(loss, reference / Double(data.rows)) < Tolerance.objectiveGradient)
        let report = GradientCheck.compare(analytic: gradient, of: { p in
            var r = RandomSource(seed: 0)
            return objective.evaluate(parameters: p, batch: data, random: &r).loss
        }, at: model.parameters, floor: Tolerance.networkFloor)
        #expect(report.worstError < Tolerance.objectiveGradient, "\(report)")
    }

    @Test("DSM's gradient (fixed noise) matches finite differences", arguments: smooth + [.relu])
    func denoisingScoreMatching(kind: ActivationKind) {
        let model = Fixtures.smallMLP(outputs: 2, activation: kind)
        let objective = DenoisingScoreMatching<Double>(layout: model.layout, batchSize: 6, sigma: 0.3)
        let data = Fixtures.gaussianBlob(rows: 6, seed: 6), z = Fixtures.gaussianBlob(rows: 6, seed: 7)
        let report = data.storage.withUnsafeBufferPointer { d in z.storage.withUnsafeBufferPointer { zb in
            Self.check(model.parameters) { p, g in
                objective.denoise(parameters: p, gradient: g, data: d.baseAddress!, noise: zb.baseAddress!, rows: 6)
            }
        } }
        #expect(report.worstError < Tolerance.objectiveGradient, "\(report)")
    }
}
