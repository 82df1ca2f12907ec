/// Speed of the trainer against the machine's single-thread GEMM in the same precision (sgemm for
/// float32, dgemm for float64), at the template defaults.
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
        public var precision: Precision
        public var millisecondsPerIteration: Double
        /// Analytic GEMM FLOPs of one iteration.
        public var flopsPerIteration: Double
        /// flopsPerIteration / time.
        public var achievedGFLOPS: Double
        /// The same GEMMs timed with cblas_sgemm or cblas_dgemm on one thread, between the trainer's rounds.
        public var gemmGFLOPS: Double
        /// Median over rounds of achieved ÷ GEMM rate: the share of the machine's GEMM speed the
        /// trainer reaches, each round's pair measured back to back.
        public var ratio: Double

        public var description: String {
            func f(_ x: Double, _ digits: Int) -> String {
                let p = pow(10, Double(digits))
                return String((x * p).rounded() / p)
            }
            let gemm = precision == .float32 ? "sgemm" : "dgemm"
            return "\(method.rawValue) \(precision.rawValue): \(f(millisecondsPerIteration, 2)) ms/iteration, \(f(flopsPerIteration / 1e9, 3)) GFLOP/iteration, \(f(achievedGFLOPS, 1)) GFLOP/s vs \(gemm) \(f(gemmGFLOPS, 1)) GFLOP/s (ratio \(f(ratio, 2)))"
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

    /// One GEMM of the iteration, as the trainer calls it, with its count per iteration.
    struct Shape { var transA: Transpose, transB: Transpose, m, n, k, times: Int }

    /// The H×H-class GEMMs of one iteration (the ones that dominate; see the type's doc), with the
    /// trainer's transpositions: forward a·Wᵀ, weight gradient z̄ᵀ·a, adjoint z̄·W.
    func shapes() -> [Shape] {
        let b = config.batchSize, h = config.neurons, l = config.hiddenLayers
        func pass(rows r: Int, parameters: Bool, repeats: Int = 1) -> [Shape] {
            var s = [Shape(transA: .none, transB: .transposed, m: r, n: h, k: h, times: l * repeats)]
            if parameters { s.append(Shape(transA: .transposed, transB: .none, m: h, n: h, k: r, times: l * repeats)) }
            s.append(Shape(transA: .none, transB: .none, m: r, n: h, k: h, times: l * repeats))
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
    /// `warmupIterations`, then times `measuredIterations` in up to ten rounds. After each round
    /// the same run times its dominant GEMMs with the GEMM of `config.precision`, so both rates see
    /// the same state of the machine (a shared host's speed drifts by ±20 % over seconds); each
    /// figure reported is the median over rounds.
    public func run() -> Row {
        switch config.precision {
        case .float32: run(GemmSequence<Float>(shapes: shapes()))
        case .float64: run(GemmSequence<Double>(shapes: shapes()))
        }
    }

    private func run<T: Scalar>(_ gemms: GemmSequence<T>) -> Row {
        BLAS.setSingleThreaded()
        var c = config
        c.iterations = warmupIterations + measuredIterations
        var random = RandomSource(seed: 1, stream: 99)
        var data = Matrix(rows: c.dataSize, columns: 2)
        for i in 0..<data.count { data.storage[i] = random.gaussian() }
        var trainer = Trainer(config: c, data: data)
        let rounds = max(1, min(10, measuredIterations))
        let perRound = max(1, measuredIterations / rounds)
        let flops = flopsPerIteration
        var secondsPerIteration: [Double] = [], gemmRates: [Double] = [], ratios: [Double] = []
        let clock = ContinuousClock()
        var mark = clock.now
        _ = trainer.train { iteration, _ in
            let measured = iteration - warmupIterations
            if measured == 0 { mark = clock.now }
            if measured > 0, measured % perRound == 0, secondsPerIteration.count < rounds {
                let seconds = mark.duration(to: clock.now).inSeconds / Double(perRound)
                let gemm = gemms.rate()
                secondsPerIteration.append(seconds)
                gemmRates.append(gemm)
                ratios.append(flops / seconds / 1e9 / gemm)
                mark = clock.now
            }
            return true
        }
        let seconds = Self.median(secondsPerIteration)
        return Row(method: config.method, precision: config.precision, millisecondsPerIteration: seconds * 1e3,
                   flopsPerIteration: flops, achievedGFLOPS: flops / seconds / 1e9, gemmGFLOPS: Self.median(gemmRates),
                   ratio: Self.median(ratios))
    }

    /// The iteration's dominant GEMMs on preallocated operands, timed back to back on one thread.
    final class GemmSequence<T: Scalar> {
        let shapes: [Shape]
        let a, b, c: UnsafeMutablePointer<T>
        let size: Int
        let flops: Double

        init(shapes: [Shape]) {
            self.shapes = shapes
            size = shapes.map { max($0.m * $0.k, $0.k * $0.n, $0.m * $0.n) }.max() ?? 1
            var random = RandomSource(seed: 3)
            a = .allocate(capacity: size); b = .allocate(capacity: size); c = .allocate(capacity: size)
            for i in 0..<size { a[i] = T(random.uniform(-1, 1)); b[i] = T(random.uniform(-1, 1)); c[i] = 0 }
            flops = shapes.reduce(0) { $0 + 2 * Double($1.m) * Double($1.n) * Double($1.k) * Double($1.times) }
        }

        deinit { a.deallocate(); b.deallocate(); c.deallocate() }

        /// GFLOP/s of one pass over every shape.
        func rate() -> Double {
            let clock = ContinuousClock()
            let start = clock.now
            for s in shapes {
                // Row-major leading dimensions of op(A) [m, k], op(B) [k, n] as stored.
                let lda = s.transA == .none ? s.k : s.m, ldb = s.transB == .none ? s.n : s.k
                for _ in 0..<s.times {
                    BLAS.gemm(s.transA, s.transB, m: s.m, n: s.n, k: s.k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: s.n)
                }
            }
            return flops / start.duration(to: clock.now).inSeconds / 1e9
        }
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

import Foundation
