import Foundation
import Testing
import EBMCore

/// Exports, per objective, everything an independent implementation needs to recompute the loss and
/// its parameter gradient: the template layout, the flat parameters, a small batch, the fixed noise
/// or Langevin samples, the hyperparameters, and the Swift trainer's loss and gradient (for ML also
/// ∇ₓf at the samples, what every Langevin step computes).
/// `scripts/pytorch_crosscheck.py` recomputes them in PyTorch (`make crosscheck`): every case in
/// float64 and again in float32 (inputs rounded to float32, the Swift side run in `Float`).
///
/// Runs only when `EBM_CROSSCHECK_DIR` names the folder to write to: ordinary test runs (and CI,
/// which has no PyTorch) skip it.
@Suite("Cross-check export (EBM_CROSSCHECK_DIR)",
       .enabled(if: ProcessInfo.processInfo.environment["EBM_CROSSCHECK_DIR"] != nil))
struct CrossCheckExport {
    /// Small, so the PyTorch side is quick; big enough that every row matters.
    static let rows = 16

    /// One exported case: `name` is the file name; ML is exported twice, with the template's loss
    /// (energy_reg = 0) and with the optional energy regulariser, so its term is checked too.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var method: Method
        var energyReg: Double = 0
        var precision: Precision = .float64
        var description: String { name }
    }

    static let cases = [
        Case(name: "ml", method: .ml), Case(name: "ml_energy_reg", method: .ml, energyReg: 0.1),
        Case(name: "nce", method: .nce), Case(name: "ism", method: .ism), Case(name: "dsm", method: .dsm),
    ].flatMap { c in
        [c, Case(name: c.name + "_float32", method: c.method, energyReg: c.energyReg, precision: .float32)]
    }

    @Test("writes the template objective's loss and gradient at fixed inputs", arguments: cases)
    func export(_ c: Case) throws {
        switch c.precision {
        case .float32: try export(c, in: Float.self)
        case .float64: try export(c, in: Double.self)
        }
    }

    func export<T: Scalar>(_ c: Case, in _: T.Type) throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["EBM_CROSSCHECK_DIR"]!)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var config = TrainingConfig.defaults(for: c.method)
        config.energyReg = c.energyReg
        config.batchSize = Self.rows
        config.precision = c.precision
        var random = RandomSource(seed: 2024, stream: UInt64(Self.cases.firstIndex { $0.name == c.name }!))
        let model = Model(config: config, random: &random)
        let layout = Model.layout(for: config)
        let drawn = ToyData.sample(config.dataset, count: Self.rows, using: &random)
        let batch = Matrix(rows: drawn.rows, columns: drawn.columns, storage: drawn.storage.map { c.precision.rounded($0) })
        let parameters = model.parameters
        let batchT = batch.storage.converted(to: T.self)
        let n = Self.rows * layout.inputs

        var fields: [(String, String)] = [
            ("method", Self.json(c.method.rawValue)), ("dataset", Self.json(config.dataset.rawValue)),
            ("precision", Self.json(c.precision.rawValue)),
            ("layout", "{\"inputs\": \(layout.inputs), \"width\": \(layout.width), \"hidden_layers\": \(layout.hiddenLayers), "
                + "\"outputs\": \(layout.outputs), \"activation\": \(Self.json(layout.activation.rawValue))}"),
            ("parameters", Self.json(parameters)), ("batch", Self.json(rows: batch.storage, columns: layout.inputs)),
        ]
        var gradient = [Double](repeating: 0, count: parameters.count)
        let loss: Double
        switch c.method {
        case .ml:
            // Persistent-chain samples as training would hold them: N(0, I) moved by the template's
            // Langevin run on this model, then treated as constants.
            var samples = (0..<n).map { _ in T(random.gaussian()) }
            let tape = Tape<T>(layout: layout, capacity: Self.rows)
            parameters.converted(to: T.self).withUnsafeBufferPointer { p in
                LangevinSampler(stepSize: config.langevinStepSize).run(chains: &samples, steps: config.langevinSteps,
                                                                       random: &random) { x, into in
                    layout.energyGradient(parameters: p.baseAddress!, at: x, rows: Self.rows, tape: tape, into: into)
                }
            }
            let objective = MaximumLikelihood<T>(layout: layout, batchSize: Self.rows, stepSize: config.langevinStepSize,
                                              steps: config.langevinSteps, chainMode: config.chains, energyReg: config.energyReg)
            loss = Self.call(parameters, &gradient) { p, g in
                batchT.withUnsafeBufferPointer { x in samples.withUnsafeBufferPointer { s in
                    objective.contrast(parameters: p, gradient: g, data: x.baseAddress!, samples: s.baseAddress!, rows: Self.rows)
                } }
            }
            // ∇ₓf at the samples, as a Langevin step computes it (the reverse pass without parameter
            // gradients, whose first layer runs the fused input-gradient kernel).
            var inputGradient = [T](repeating: 0, count: n)
            parameters.converted(to: T.self).withUnsafeBufferPointer { p in
                samples.withUnsafeBufferPointer { x in inputGradient.withUnsafeMutableBufferPointer { into in
                    layout.energyGradient(parameters: p.baseAddress!, at: x.baseAddress!, rows: Self.rows, tape: tape,
                                          into: into.baseAddress!)
                } }
            }
            fields += [("energy_reg", Self.json(config.energyReg)), ("samples", Self.json(rows: samples.map { Double($0) }, columns: layout.inputs)),
                       ("input_gradient", Self.json(rows: inputGradient.map { Double($0) }, columns: layout.inputs))]
        case .nce:
            // y ~ Q = N(0, τ²I), drawn exactly as NoiseContrastive.evaluate draws them.
            let noise = (0..<n).map { _ in T(config.noiseStd * random.gaussian()) }
            let objective = NoiseContrastive<T>(layout: layout, batchSize: Self.rows, noiseStd: config.noiseStd)
            loss = Self.call(parameters, &gradient) { p, g in
                batchT.withUnsafeBufferPointer { x in noise.withUnsafeBufferPointer { y in
                    objective.contrast(parameters: p, gradient: g, data: x.baseAddress!, noise: y.baseAddress!, rows: Self.rows)
                } }
            }
            fields += [("noise_std", Self.json(config.noiseStd)), ("noise", Self.json(rows: noise.map { Double($0) }, columns: layout.inputs))]
        case .ism:
            // Deterministic: the random stream is not read.
            let objective = ImplicitScoreMatching<T>(layout: layout, batchSize: Self.rows)
            let result = objective.evaluate(parameters: parameters, batch: batch, random: &random)
            loss = result.loss; gradient = result.gradient
        case .dsm:
            // z ~ N(0, I); the objective forms y = x + σz itself.
            let z = (0..<n).map { _ in T(random.gaussian()) }
            let objective = DenoisingScoreMatching<T>(layout: layout, batchSize: Self.rows, sigma: config.sigma)
            loss = Self.call(parameters, &gradient) { p, g in
                batchT.withUnsafeBufferPointer { x in z.withUnsafeBufferPointer { zb in
                    objective.denoise(parameters: p, gradient: g, data: x.baseAddress!, noise: zb.baseAddress!, rows: Self.rows)
                } }
            }
            fields += [("sigma", Self.json(config.sigma)), ("noise", Self.json(rows: z.map { Double($0) }, columns: layout.inputs))]
        }
        fields += [("loss", Self.json(loss)), ("gradient", Self.json(gradient))]
        #expect(loss.isFinite && gradient.allSatisfy(\.isFinite), "\(c.name): non-finite loss or gradient")
        #expect(gradient.contains { $0 != 0 }, "\(c.name): zero gradient")

        let text = "{\n" + fields.map { "  \(Self.json($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}\n"
        let file = directory.appendingPathComponent("\(c.name).json")
        try text.write(to: file, atomically: true, encoding: .utf8)

        // The consumer must see the very same doubles: read the file back and compare bit for bit.
        let echo = try JSONDecoder().decode(Echo.self, from: Data(contentsOf: file))
        #expect(echo.parameters == parameters && echo.gradient == gradient && echo.loss == loss,
                "\(c.name): doubles did not round-trip through JSON")
    }

    struct Echo: Decodable { var parameters: [Double]; var gradient: [Double]; var loss: Double }

    /// Calls `body` with pointers to `parameters` and a gradient buffer in precision T, returning
    /// the loss; `gradient` receives the gradient widened to Double.
    static func call<T: Scalar>(_ parameters: [Double], _ gradient: inout [Double],
                                _ body: (UnsafePointer<T>, UnsafeMutablePointer<T>) -> Double) -> Double {
        var g = [T](repeating: 0, count: gradient.count)
        let loss = parameters.converted(to: T.self).withUnsafeBufferPointer { p in
            g.withUnsafeMutableBufferPointer { gb in body(p.baseAddress!, gb.baseAddress!) }
        }
        gradient = g.map { Double($0) }
        return loss
    }

    /// Swift's `Double.description` is the shortest text that parses back to the same double
    /// (e.g. `0.1`, `1e-05`), which is valid JSON for finite values.
    static func json(_ x: Double) -> String {
        precondition(x.isFinite, "JSON has no non-finite numbers")
        return x.description
    }

    static func json(_ xs: [Double]) -> String { "[" + xs.map(json).joined(separator: ", ") + "]" }

    static func json(_ s: String) -> String { "\"\(s)\"" }

    /// A row-major [rows, columns] buffer as a list of rows.
    static func json(rows xs: [Double], columns: Int) -> String {
        "[" + stride(from: 0, to: xs.count, by: columns).map { json(Array(xs[$0..<($0 + columns)])) }.joined(separator: ", ") + "]"
    }
}
