import EBMCore

/// What `ebm-sweep plan` prints before anything runs: how many jobs, what they look like, and
/// roughly how long they will take.
///
/// FLOP model (multiply–add = 2 FLOPs; activations, biases, optimiser and data draws ignored as
/// O(H) per layer against O(H²)): one MLP forward pass on one point costs
/// F = 2·(2H + L·H² + H·out) with H = neurons, L = hidden_layers, out = 1 (energy) or 2 (score).
/// A backward pass costs ≈ 2F (gradients w.r.t. weights and inputs), an input-gradient-only
/// backward ≈ F. Per training iteration with batch B:
/// - ml: 3F·B on data + 3F·B on the chains' samples + K Langevin steps × 2F·B (K = langevin_steps)
/// - nce: 3F·B on data + 3F·B on as many noise points
/// - dsm: 3F·B
/// - ism: (1 + d)F forward with d = 2 forward-mode tangents, reversed at 2×: 9F·B
/// Evaluation: samples × steps Langevin steps, each 2F (energy: forward + input gradient) or F
/// (score models output the score). Metrics are ignored (KDE on ≤ 3000 points is small).
public struct PlanSummary: Sendable, CustomStringConvertible {
    public var name: String
    public var jobCount: Int
    public var configurationCount: Int
    public var seedCount: Int
    /// Sum over jobs of training plus evaluation FLOPs.
    public var totalFLOPs: Double
    /// Σ over jobs of FLOPs / rate: single-worker wall time at the given sustained speed, or at
    /// `typicalGFLOPs` for each job's precision.
    public var estimatedSeconds: Double
    /// Whether a stopping rule may end jobs early (the estimate runs every job to its end).
    public var stopsEarly: Bool
    /// The configurations the rule never runs (`EarlyStopping.notRunnable`), left out of the
    /// estimate, with the widest Langevin noise among them and the data's spread.
    public var notRun: NotRunSummary?
    /// The first rows of the job table, aligned text.
    public var table: String

    /// Sustained GFLOP/s of one worker training ML at the template's shapes on this project's
    /// 2-core Xeon (`ebm-sweep bench`, BENCHMARKS.md), rounded down: what `plan` assumes unless told.
    public static func typicalGFLOPs(_ precision: Precision) -> Double {
        precision == .float32 ? 60 : 25
    }

    /// - Parameters:
    ///   - gflops: sustained GFLOP/s of one worker (measure with `ebm-sweep bench`); nil:
    ///     `typicalGFLOPs` for each job's precision.
    ///   - rows: how many jobs to show in `table`.
    /// - Precondition: `gflops` is nil or positive.
    public init(spec: SweepSpec, jobs: [Job], gflops: Double? = nil, rows: Int = 10) {
        precondition(gflops.map { $0 > 0 } ?? true, "PlanSummary needs a positive GFLOP/s figure")
        name = spec.name
        jobCount = jobs.count
        configurationCount = Set(jobs.map(\.configID)).count
        seedCount = spec.seeds.count
        let held = spec.earlyStopping?.notRunnable(jobs) ?? [:]
        notRun = NotRunSummary(held: held, jobs: jobs)
        let jobs = jobs.filter { held[$0.configID] == nil }
        let flops = jobs.map { Self.trainingFLOPs($0.config) + Self.evaluationFLOPs($0.config, spec.evaluation) }
        totalFLOPs = flops.reduce(0, +)
        estimatedSeconds = zip(jobs, flops).reduce(0) { total, pair in
            total + pair.1 / ((gflops ?? Self.typicalGFLOPs(pair.0.config.precision)) * 1e9)
        }
        stopsEarly = (spec.earlyStopping?.rule ?? .none) != .none
        table = Self.table(jobs: Array(jobs.prefix(rows)), columns: spec.variedNames)
        if jobs.count > rows { table += "\n… \(jobs.count - rows) more" }
    }

    /// F: FLOPs of one forward pass on one point.
    public static func forwardFLOPs(_ c: TrainingConfig) -> Double {
        let h = Double(c.neurons), out = c.method.isScoreModel ? 2.0 : 1.0
        return 2 * (2 * h + Double(c.hiddenLayers) * h * h + h * out)
    }

    public static func trainingFLOPs(_ c: TrainingConfig) -> Double {
        let f = forwardFLOPs(c), b = Double(c.batchSize)
        let perIteration: Double = switch c.method {
        case .ml: 6 * f * b + Double(c.langevinSteps) * 2 * f * b
        case .nce: 6 * f * b
        case .dsm: 3 * f * b
        case .ism: 9 * f * b
        }
        return perIteration * Double(c.iterations)
    }

    public static func evaluationFLOPs(_ c: TrainingConfig, _ e: EvaluationConfig) -> Double {
        Double(e.samples) * Double(e.steps) * (c.method.isScoreModel ? 1 : 2) * forwardFLOPs(c)
    }

    static func table(jobs: [Job], columns: [String]) -> String {
        let header = ["job"] + columns
        let body = jobs.map { job in [job.id] + columns.map { job.config.value(of: $0)?.description ?? "" } }
        let widths = header.indices.map { i in ([header] + body).map { $0[i].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        return ([line(header)] + body.map(line)).joined(separator: "\n")
    }

    public var description: String {
        let hours = estimatedSeconds / 3600
        let time = hours >= 1 ? "\(Self.round1(hours)) h" : "\(Self.round1(estimatedSeconds / 60)) min"
        return """
            sweep \(name): \(jobCount) jobs = \(configurationCount) configurations × \(seedCount) seeds
            \(notRunLine)estimated compute: \(Self.round1(totalFLOPs / 1e12)) TFLOP ≈ \(time) on one worker\(stopsEarly ? " if every job ran to its end (early stopping ends many sooner)" : "")
            \(table)
            """
    }

    /// Why some configurations will not run, or nothing.
    var notRunLine: String {
        notRun.map { "not run: \($0.sentence) (docs/design.md, \"The Langevin noise floor\"; a sweep started with early_stopping: none runs them)\n" } ?? ""
    }

    static func round1(_ x: Double) -> String { HyperparameterValue.format((x * 10).rounded() / 10) }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
