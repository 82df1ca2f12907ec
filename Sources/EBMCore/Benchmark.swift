/// Speed of the trainer against the machine's single-thread dgemm, at the template defaults.
///
/// FLOP count per iteration (GEMM work only; activations, noise and the optimiser are O(B·H) and
/// O(P), a few percent): a GEMM of shapes [m, k]·[k, n] counts 2mnk. With B = batch, H = width,
/// L = hidden layers (so L H×H layers), d = 2:
///   forward over R rows: 2R(dH + L·H² + H·out);
///   reverse over R rows: weight gradients 2R(dH + L·H² + H·out), input gradients
///     2R(L·H² + H·out) (+ 2R·dH when ∇ₓ is wanted).
/// - ML: langevin_steps × (forward + ∇ₓ reverse on B rows) + forward and parameter reverse on 2B.
/// - NCE: forward and parameter reverse on 2B rows (data and noise stacked).
/// - ISM: forward and parameter reverse on 3B rows (primal and two tangents stacked).
/// - DSM: forward and parameter reverse on B rows.
public struct TrainerBenchmark {
    /// One measured configuration; the lead prints it.
    public struct Row: Sendable, CustomStringConvertible {
        public var method: Method
        public var millisecondsPerIteration: Double
        /// Analytic GEMM FLOPs of one iteration.
        public var flopsPerIteration: Double
        /// flopsPerIteration / time.
        public var achievedGFLOPS: Double
        /// The same GEMM shapes timed back to back with cblas_dgemm on one thread.
        public var dgemmGFLOPS: Double
        /// achieved ÷ dgemm: the share of the machine's GEMM speed the trainer reaches.
        public var ratio: Double { dgemmGFLOPS > 0 ? achievedGFLOPS / dgemmGFLOPS : 0 }

        public var description: String {
            func f(_ x: Double, _ digits: Int) -> String {
                let p = pow(10, Double(digits))
                return String((x * p).rounded() / p)
            }
            return "\(method.rawValue): \(f(millisecondsPerIteration, 2)) ms/iteration, \(f(flopsPerIteration / 1e9, 3)) GFLOP/iteration, \(f(achievedGFLOPS, 1)) GFLOP/s vs dgemm \(f(dgemmGFLOPS, 1)) GFLOP/s (ratio \(f(ratio, 2)))"
        }
    }

    public var config: TrainingConfig
    public var warmupIterations: Int
    public var measuredIterations: Int

    public init(config: TrainingConfig, warmupIterations: Int = 5, measuredIterations: Int = 20) {
        self.config = config
        self.warmupIterations = warmupIterations
        self.measuredIterations = measuredIterations
    }

    /// One GEMM shape with its count per iteration.
    struct Shape { var m, n, k, times: Int }

    /// The H×H-class GEMM shapes of one iteration (the ones that dominate; see the type's doc).
    func shapes() -> [Shape] {
        let b = config.batchSize, h = config.neurons, l = config.hiddenLayers
        func pass(rows r: Int, parameters: Bool, repeats: Int = 1) -> [Shape] {
            var s = [Shape(m: r, n: h, k: h, times: l * repeats)]                       // forward H×H
            if parameters { s.append(Shape(m: h, n: h, k: r, times: l * repeats)) }    // ∂W = z̄ᵀ·a
            s.append(Shape(m: r, n: h, k: h, times: l * repeats))                       // ā = z̄·W
            return s
        }
        switch config.method {
        case .ml: return pass(rows: b, parameters: false, repeats: config.langevinSteps) + pass(rows: 2 * b, parameters: true)
        case .nce: return pass(rows: 2 * b, parameters: true)
        case .ism: return pass(rows: 3 * b, parameters: true)
        case .dsm: return pass(rows: b, parameters: true)
        }
    }

    /// Analytic FLOPs per iteration, including the thin input and output layers.
    public var flopsPerIteration: Double {
        let b = Double(config.batchSize), h = Double(config.neurons), l = Double(config.hiddenLayers)
        let d = 2.0, out = config.method.isScoreModel ? 2.0 : 1.0
        /// One GEMM pass through every layer: the forward pass, or the weight gradients.
        func layers(_ r: Double) -> Double { 2 * r * (d * h + l * h * h + h * out) }
        /// Adjoints of the activations (ā = z̄·W), down to the input when asked.
        func adjoints(_ r: Double, toInput: Bool) -> Double { 2 * r * (l * h * h + h * out) + (toInput ? 2 * r * d * h : 0) }
        func training(_ r: Double) -> Double { layers(r) + layers(r) + adjoints(r, toInput: false) }
        switch config.method {
        case .ml:
            return Double(config.langevinSteps) * (layers(b) + adjoints(b, toInput: true)) + training(2 * b)
        case .nce: return training(2 * b)
        case .ism: return training(3 * b)
        case .dsm: return training(b)
        }
    }

    /// Trains on a seeded Gaussian blob (speed does not depend on the data's shape), discarding
    /// `warmupIterations`, then times `measuredIterations`; then times the dominant GEMM shapes.
    public func run() -> Row {
        BLAS.setSingleThreaded()
        var c = config
        c.iterations = warmupIterations + measuredIterations
        var random = RandomSource(seed: 1, stream: 99)
        var data = Matrix(rows: c.dataSize, columns: 2)
        for i in 0..<data.count { data.storage[i] = random.gaussian() }
        var trainer = Trainer(config: c, data: data)
        let clock = ContinuousClock()
        var start = clock.now
        _ = trainer.train { iteration, _ in
            if iteration == warmupIterations { start = clock.now }
            return true
        }
        let seconds = Self.seconds(start.duration(to: clock.now)) / Double(max(measuredIterations, 1))
        let flops = flopsPerIteration
        return Row(method: config.method, millisecondsPerIteration: seconds * 1e3, flopsPerIteration: flops,
                   achievedGFLOPS: flops / seconds / 1e9, dgemmGFLOPS: dgemmGFLOPS())
    }

    /// GFLOP/s of cblas_dgemm (one thread) over this iteration's dominant shapes, best of 3.
    func dgemmGFLOPS() -> Double {
        let list = shapes()
        let size = list.map { max($0.m * $0.k, $0.k * $0.n, $0.m * $0.n) }.max() ?? 1
        var random = RandomSource(seed: 3)
        let a = (0..<size).map { _ in random.uniform(-1, 1) }
        let b = (0..<size).map { _ in random.uniform(-1, 1) }
        var c = [Double](repeating: 0, count: size)
        let clock = ContinuousClock()
        var best = Double.infinity
        var flops = 0.0
        for _ in 0..<3 {
            flops = 0
            let start = clock.now
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                for s in list { for _ in 0..<s.times {
                    BLAS.gemm(.none, .transposed, m: s.m, n: s.n, k: s.k, a: pa.baseAddress!, lda: s.k,
                              b: pb.baseAddress!, ldb: s.k, c: pc.baseAddress!, ldc: s.n)
                    flops += 2 * Double(s.m) * Double(s.n) * Double(s.k)
                } }
            } } }
            best = min(best, Self.seconds(start.duration(to: clock.now)))
        }
        return flops / best / 1e9
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

import Foundation
