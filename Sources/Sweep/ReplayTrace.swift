import EBMCore

/// What `ebm-sweep replay` needs of a sweep that ran every job to its end with rung evaluations
/// recorded: per job its configuration, cost and the metrics it reported. Metrics only — no
/// samples, no checkpoints — so traces are small enough to ship as fixtures.
///
/// Text form (CSV, one row per evaluation; `#` lines are comments):
/// ```
/// job,config,seed,iterations,seconds,status,kind,iteration,kde_nll,escaped,elapsed
/// a1b2c3d4e5f6-s0,a1b2c3d4e5f6,0,1000,41.5,ok,rung,100,2.61,0,3.2
/// a1b2c3d4e5f6-s0,a1b2c3d4e5f6,0,1000,41.5,ok,final,1000,2.02,,41.5
/// ```
/// The ninth column's name is the ranking metric. A job's rows are contiguous: its rungs in
/// ascending order, then one `final` row (the sweep's own evaluation; the iteration it stopped at
/// and an empty metric when it diverged). `seconds` is the whole job's cost (`ebm-sweep trace`
/// records its thread's CPU seconds, which a busy machine does not inflate); `elapsed`, the job's
/// seconds when a rung's evaluation ended (what a run stopped there costs: its final evaluation,
/// a large share of a short run's time, never runs). Traces without the `elapsed` column (the
/// first ten only) are read too; a replay then puts a rung at its share of the iterations of
/// `seconds`. Jobs appear in the order the sweep listed them, one per configuration and seed.
public struct ReplayTrace: Sendable, Equatable {
    public struct Evaluation: Sendable, Equatable {
        public var iteration: Int
        public var metric: Double
        public var escaped: Double
        /// The job's seconds when this evaluation ended; nil in a trace without the column.
        public var elapsed: Double?

        public init(iteration: Int, metric: Double, escaped: Double, elapsed: Double? = nil) {
            self.iteration = iteration
            self.metric = metric
            self.escaped = escaped
            self.elapsed = elapsed
        }
    }

    public struct TracedJob: Sendable, Equatable {
        public var id: String
        public var configID: String
        public var seed: UInt64
        public var iterations: Int
        /// Worker-seconds of the whole run (training, rung evaluations, final evaluation).
        public var seconds: Double
        /// How the full run ended: `.ok`, `.diverged` or `.failed`.
        public var status: RunStatus
        /// Ascending iterations, each below `iterations`.
        public var rungs: [Evaluation]
        /// The last iteration trained (`iterations`, or where it diverged).
        public var finalIteration: Int
        /// The sweep's evaluation; nil unless the run ended ok.
        public var finalMetric: Double?

        public init(id: String, configID: String, seed: UInt64, iterations: Int, seconds: Double, status: RunStatus,
                    rungs: [Evaluation], finalIteration: Int, finalMetric: Double?) {
            self.id = id
            self.configID = configID
            self.seed = seed
            self.iterations = iterations
            self.seconds = seconds
            self.status = status
            self.rungs = rungs
            self.finalIteration = finalIteration
            self.finalMetric = finalMetric
        }

        /// The job's seconds when its rung `k` was evaluated: recorded, or without a record its
        /// share of the iterations it trained.
        public func seconds(atRung k: Int) -> Double {
            rungs[k].elapsed ?? seconds * Double(rungs[k].iteration) / Double(max(1, finalIteration))
        }
    }

    public var metric: RankingMetric
    public var jobs: [TracedJob]

    public static let header = ["job", "config", "seed", "iterations", "seconds", "status", "kind", "iteration", "<metric>", "escaped",
                                "elapsed"]
    /// The columns of a trace written before `elapsed` was recorded.
    static let legacyColumns = 10
    /// Bounds on what a trace may hold: a full grid of thousands of jobs fits many times over.
    public static let maxBytes = 16 << 20
    public static let maxJobs = 100_000

    public init(metric: RankingMetric, jobs: [TracedJob]) {
        self.metric = metric
        self.jobs = jobs
    }

    /// The rungs of `settings` over the trace's run lengths: at most a few dozen, however many
    /// jobs the trace holds.
    public func rungs(of settings: EarlyStopping) -> Set<Int> {
        Set(Set(jobs.map(\.iterations)).flatMap(settings.rungs(forIterations:)))
    }

    /// The first job without an evaluation at a rung of `settings` that it trained past; a replay
    /// of that rule on this trace would silently skip the rung, so it is refused instead.
    public func missingRung(for settings: EarlyStopping) -> (job: String, iteration: Int)? {
        for j in jobs {
            let have = Set(j.rungs.map(\.iteration))
            if let r = settings.rungs(forIterations: j.iterations).first(where: { $0 < j.finalIteration && !have.contains($0) }) {
                return (j.id, r)
            }
        }
        return nil
    }

    /// The CSV text `parse` reads back.
    public var text: String {
        ([headerLine] + jobs.flatMap(Self.rows(of:))).joined(separator: "\n") + "\n"
    }

    /// The header, naming this trace's metric.
    public var headerLine: String { Self.header.map { $0 == "<metric>" ? metric.rawValue : $0 }.joined(separator: ",") }

    /// One job's rows: its rungs, then its final row.
    public static func rows(of j: TracedJob) -> [String] {
        let prefix = "\(j.id),\(j.configID),\(j.seed),\(j.iterations),\(HyperparameterValue.format(j.seconds)),\(j.status.rawValue)"
        let final = j.finalMetric.map(HyperparameterValue.format) ?? ""
        return j.rungs.map {
            "\(prefix),rung,\($0.iteration),\(HyperparameterValue.format($0.metric)),\(HyperparameterValue.format($0.escaped)),"
                + ($0.elapsed.map(HyperparameterValue.format) ?? "")
        } + ["\(prefix),final,\(j.finalIteration),\(final),,\(HyperparameterValue.format(j.seconds))"]
    }
}

/// A trace refused, located like a spec mistake: `fixtures/ml.csv:12: seconds: must be ...`.
public struct ReplayTraceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: String
    public var message: String

    public var description: String {
        column.isEmpty ? "\(file):\(line): \(message)" : "\(file):\(line): \(column): \(message)"
    }
}
