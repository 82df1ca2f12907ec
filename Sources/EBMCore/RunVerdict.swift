/// The one rule that decides how a trained run ended once it has been scored, so a worker,
/// `ebm-sweep train` and the coordinator (which re-judges what workers report) agree.
///
/// Training alone cannot see every explosion: a large step can leave the loss and parameters
/// finite while the model's score field flings every evaluation chain far from the data (DSM at
/// lr 5: loss finite, kde_nll 1e7, every sample escaped). Such a run is `diverged`, a result
/// ranked after every configuration with a score, like a NaN loss (docs/design.md, "Diverged runs").
public enum RunVerdict {
    /// A run whose evaluation samples *mostly* escape is diverged: more than this share of them
    /// non-finite or far outside the data's box (`Metrics.escapedFraction`). Half, because a run
    /// with most of its mass outside the box models nothing, while one with a minority of stray
    /// chains is a poor but scoreable model (a short DSM run at lr 1 leaves 18 % outside).
    public static let escapedLimit = 0.5

    /// Why an evaluation shows the run diverged, or nil when it stands. In order: a non-finite
    /// sample (the model or its sampler blew up), `escaped` above `escapedLimit`, a NaN or ±∞
    /// metric. A metric that is absent is undefined (too few samples), not divergent.
    ///
    /// - Parameters:
    ///   - samples: the evaluation samples, [n, 2] (any shape is accepted: a worker's report is data).
    ///   - metrics: the run's metrics as computed (`Metrics.measure`, or a worker's report).
    public static func divergence(samples: Matrix, metrics: [String: Double]) -> String? {
        let nonFinite = (0..<samples.rows).filter { r in (0..<samples.columns).contains { !samples[r, $0].isFinite } }.count
        if nonFinite > 0 {
            return "diverged in evaluation: \(nonFinite) of \(samples.rows) samples became non-finite"
        }
        if let escaped = metrics[Metrics.Name.escaped], escaped > escapedLimit {
            return "diverged in evaluation: \(percent(escaped)) of the samples escaped the data's box "
                + "(more than \(percent(escapedLimit)))"
        }
        let nonFiniteMetrics = metrics.filter { !$0.value.isFinite }.map { "\($0.key) = \($0.value)" }.sorted()
        if !nonFiniteMetrics.isEmpty {
            return "diverged in evaluation: non-finite \(nonFiniteMetrics.joined(separator: ", "))"
        }
        return nil
    }

    static func percent(_ share: Double) -> String {
        let value = (share * 1000).rounded() / 10
        return value == value.rounded() ? "\(Int(value)) %" : "\(value) %"
    }
}

extension TrainingRun {
    /// A run after its evaluation: the status every consumer reports, with its samples and metrics.
    public struct Evaluation: Sendable {
        public var status: RunStatus
        /// Why the run diverged, was cancelled or failed; nil when it is ok.
        public var reason: String?
        /// [evaluation.samples, 2] when the run trained to the end; [0, 2] otherwise.
        public var samples: Matrix
        /// The finite metrics (`Metrics.evaluate`); empty when the run did not train to the end.
        public var metrics: [String: Double]
    }

    /// Samples the trained model with the evaluation sampler, scores the samples, and decides the
    /// final status with `RunVerdict`. A run that did not train to the end is not sampled.
    ///
    /// - Precondition: `evaluation` is valid (`EvaluationConfig.validate`).
    public func evaluated(with evaluation: EvaluationConfig, dataset: DatasetName, samplingSeed: UInt64) -> Evaluation {
        switch status {
        case .ok: break
        case .diverged:
            return notSampled("diverged at iteration \(iterations): non-finite loss or parameters")
        case .cancelled:
            return notSampled("cancelled at iteration \(iterations)")
        case .failed, .pending, .running, .stopped:
            // Not a word the trainer returns; kept a failure rather than a trap.
            return Evaluation(status: .failed, reason: "the trainer ended as \(status.rawValue)",
                              samples: Matrix(rows: 0, columns: 2), metrics: [:])
        }
        let samples = model.sample(evaluation, seed: samplingSeed)
        let model = self.model
        let measured = Metrics.measure(samples: samples, evaluation: .make(for: dataset),
                                       energy: model.isEnergyModel ? { model.energy(at: $0) } : nil)
        let metrics = measured.filter { $0.value.isFinite }
        if let reason = RunVerdict.divergence(samples: samples, metrics: measured) {
            return Evaluation(status: .diverged, reason: reason, samples: samples, metrics: metrics)
        }
        return Evaluation(status: .ok, reason: nil, samples: samples, metrics: metrics)
    }

    private func notSampled(_ reason: String) -> Evaluation {
        Evaluation(status: status, reason: reason, samples: Matrix(rows: 0, columns: 2), metrics: [:])
    }
}
