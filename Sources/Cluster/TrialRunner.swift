import EBMCore
import Foundation
import Sweep

/// One job from configuration to result: draw the training data, train, sample with the sweep's
/// evaluation sampler, score. Never throws and never traps on bad numbers: a configuration the
/// trainer refuses, a divergence or a cancellation all come back as a `JobResult`.
public enum TrialRunner {
    /// The training seed's stream for the evaluation sampler; the data draw has its own
    /// (`ToyData.trainingStream`), so changing one never shifts the other.
    static let samplingStream: UInt64 = 2

    /// What a run produced, with the trained model for figures.
    public struct Output: Sendable {
        public var result: JobResult
        public var model: Model?
    }

    /// With `rungs`, the run is evaluated cheaply at each rung and `onRung` decides whether it goes
    /// on (see `TrialRunner+Rungs`); a run told to stop ends `.cancelled`, its error saying where.
    public static func run(config: TrainingConfig, evaluation: EvaluationConfig, jobID: String, attempt: Int,
                           worker: String, rungs: RungPlan? = nil, progress: (Int, Double) -> Bool = { _, _ in true },
                           onRung: (RungReport) -> Bool = { _ in true }) -> Output {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double { start.duration(to: clock.now).inSeconds }
        func failure(_ message: String) -> Output {
            Output(result: JobResult(jobID: jobID, attempt: attempt, status: .failed, metrics: [:], error: message,
                                     worker: worker, seconds: elapsed(), secondsPerIteration: 0, lossHistory: [],
                                     samples: Matrix(rows: 0, columns: 2), checkpoint: [],
                                     blasKernel: Hardware.blasKernel, vectorWidth: Hardware.vectorWidth), model: nil)
        }
        // Validation happens at plan time; a worker still refuses what it cannot run, as data.
        do throws(ConfigError) {
            try config.validate()
            try evaluation.validate()
        } catch {
            return failure("invalid configuration: \(error)")
        }
        if let refusal = memoryRefusal(config) { return failure(refusal) }

        let data = ToyData.trainingData(for: config)
        var trainer = Trainer(config: config, data: data)
        let run = train(&trainer, plan: rungs, jobID: jobID, samplingSeed: samplingSeed(config.seed),
                        progress: progress, onRung: onRung)

        // The final status (a finite loss can still hide an explosion) is RunVerdict's to decide.
        var scored = run.training.evaluated(with: evaluation, dataset: config.dataset, samplingSeed: samplingSeed(config.seed))
        if let stop = run.stoppedAt {
            scored.reason = "stopped at iteration \(stop.iteration) (rung \(stop.metric), \(stop.escaped) escaped)"
        }
        if let check = run.divergedAt {
            scored.reason = "diverged at iteration \(check.iteration): \(check.reason)"
        }
        let checkpoint = Checkpoint(model: run.training.model, config: config, metrics: scored.metrics)
        let result = JobResult(jobID: jobID, attempt: attempt, status: scored.status, metrics: scored.metrics,
                               error: scored.reason, worker: worker, seconds: elapsed(),
                               secondsPerIteration: run.training.secondsPerIteration, lossHistory: run.training.losses,
                               samples: scored.samples, checkpoint: checkpoint.encoded(),
                               blasKernel: Hardware.blasKernel, vectorWidth: Hardware.vectorWidth)
        return Output(result: result, model: run.training.model)
    }

    /// Why this host cannot train `config`, if its memory estimate exceeds the host's physical
    /// memory (a valid configuration may still be too large for a small machine): refused up
    /// front instead of the process dying on allocation mid-run.
    public static func memoryRefusal(_ config: TrainingConfig,
                                     physicalMemory: UInt64 = ProcessInfo.processInfo.physicalMemory) -> String? {
        let needed = ResourceEstimate(config: config).memoryBytes
        guard UInt64(needed) > physicalMemory else { return nil }
        return "training needs about \(ResourceEstimate.bytes(needed)) of memory; this host has "
            + "\(ResourceEstimate.bytes(Int(clamping: physicalMemory))): lower batch_size, neurons or hidden_layers"
    }

    /// The evaluation sampler's seed for a training seed.
    static func samplingSeed(_ seed: UInt64) -> UInt64 {
        var random = RandomSource(seed: seed, stream: samplingStream)
        return random.next()
    }
}
