import EBMCore
import Foundation
import Store
import Sweep
@testable import Artifacts

/// A sweep database built in the test: a real spec, the planner's jobs, a real SQLite store, and
/// results whose metric follows a known formula, so the tables and figures can be checked against it.
final class SweepDatabaseFixture: @unchecked Sendable {
    let directory: String
    let spec: SweepSpec
    let store: SweepStore
    let jobs: [Job]

    /// 2 × 2 × 2 configurations (langevin_step_size log-spaced, langevin_steps, lr) × 3 seeds.
    static let yaml = """
        name: report_fixture
        method: ml
        dataset: swiss_roll
        fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 200}
        grid:
          langevin_step_size: [5.0e-4, 2.0e-3]
          langevin_steps: [10, 20]
          lr: [1.0e-3, 3.0e-3]
        seeds: [0, 1, 2]
        evaluation: {samples: 60, sampler: {init: normal, step_size: 5.0e-4, steps: 1}}
        keep_best: 3
        """

    /// The stored kde_nll of a job: effects of each swept value, a per-seed offset, and a seeded
    /// jitter (up to 0.15, more than one effect) so some configurations tie with the best.
    static func kde(_ config: TrainingConfig, seed: UInt64) -> Double {
        let seedOffset = [0.0, 0.05, -0.03][Int(seed % 3)]
        let key = UInt64(config.langevinSteps) &* 31 &+ seed &* 7 &+ (config.lr > 2e-3 ? 3 : 0) &+ (config.langevinStepSize > 1e-3 ? 5 : 0)
        var random = RandomSource(seed: key)
        let jitter = random.uniform(0, 0.15)
        return 2.0 + (config.lr > 2e-3 ? 0.3 : 0) + (config.langevinSteps == 20 ? -0.1 : 0)
            + (config.langevinStepSize > 1e-3 ? -0.2 : 0) + seedOffset + jitter
    }

    /// `extra`: more spec lines (e.g. an `early_stopping:` section).
    init(name: String = "report_fixture", extra: String = "", record: (Job) -> RunStatus? = { _ in .ok }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = Self.yaml.replacingOccurrences(of: "name: report_fixture", with: "name: \(name)") + (extra.isEmpty ? "" : "\n" + extra)
        spec = try SweepSpec.parse(yaml: text, file: "\(name).yaml")
        jobs = Planner.plan(spec)
        store = try SweepStore.create(at: directory + "/sweep.sqlite", name: name, specText: text, specHash: spec.planHash,
                                      specPath: "\(name).yaml", jobs: jobs)
        for job in jobs {
            guard let status = record(job) else { continue }
            try store.record(Self.result(for: job, status: status))
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    static func result(for job: Job, status: RunStatus) -> JobResult {
        var random = RandomSource(seed: job.seed &+ 11)
        let samples = ToyData.sample(.swissRoll, count: 60, using: &random)
        let kde = Self.kde(job.config, seed: job.seed)
        // A loss that falls from 3 towards kde with one early spike (the loss figure must show or say it).
        let loss = (0..<200).map { (i: Int) -> Double in
            let spike: Double = i == 3 ? 40 : 0
            return kde + exp(-Double(i) / 40) + spike + 0.01 * Double(i % 7)
        }
        return JobResult(jobID: job.id, attempt: 1, status: status,
                         metrics: status == .ok ? ["kde_nll": kde, "precision": 0.8, "floor_kde_nll": 1.45] : [:],
                         error: status == .ok ? nil : "loss became NaN at iteration 17", worker: "w1", seconds: 1,
                         secondsPerIteration: 0.005, lossHistory: status == .ok ? loss : [3, .nan],
                         samples: samples, checkpoint: Checkpoint(model: Model(config: job.config, random: &random), config: job.config).encoded())
    }

    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    @discardableResult
    func writeArtifacts() throws -> [RankedConfiguration] {
        try SweepArtifacts.write(store: store, spec: spec, to: directory)
    }
}
