import EBMCore

/// The course report's "hyperparameter | value" table (`hyperparameters.md`, `hyperparameters.tex`)
/// for one configuration: the method, then only the hyperparameters that method reads (in the
/// registry's order), then the evaluation sampler's settings.
///
/// `momentum` is left out under Adam: it applies to SGD only and validation forbids setting it.
public struct HyperparameterTable: Hashable, Sendable {
    public var table: Table
    /// "ml on swiss_roll": for captions.
    public var subject: String

    public init(config: TrainingConfig, evaluation: EvaluationConfig? = nil) {
        subject = "\(config.method.rawValue) on \(config.dataset.rawValue)"
        var table = Table(columns: ["hyperparameter", "value"])
        table.append([.text("method"), .text(config.method.rawValue)])
        for name in TrainingConfig.hyperparameterNames(for: config.method) {
            if name == "momentum" && config.optimizer == .adam { continue }
            guard let value = config.value(of: name) else { continue }
            table.append([.text(name), .text(value.description)])
        }
        if let evaluation {
            let initText = switch evaluation.initDistribution {
            case .normal: "normal, std \(HyperparameterValue.format(evaluation.initScale))"
            case .uniform: "uniform in [-\(HyperparameterValue.format(evaluation.initScale)), \(HyperparameterValue.format(evaluation.initScale))] per coordinate"
            }
            table.append([.text("evaluation samples"), .text(String(evaluation.samples))])
            table.append([.text("evaluation sampler init"), .text(initText)])
            table.append([.text("evaluation step size"), .text(HyperparameterValue.format(evaluation.stepSize))])
            table.append([.text("evaluation steps"), .text(String(evaluation.steps))])
        }
        self.table = table
    }

    /// `hyperparameters.md`.
    public func markdown() -> String { table.markdown() }

    /// `hyperparameters.tex`: a booktabs table float, by default captioned with the method and dataset.
    /// `label` must be unique in the document that inputs it (the run directory's writer names the run).
    public func latex(caption: String? = nil, label: String) -> String {
        table.latex(caption: caption ?? "Hyperparameters of \(subject)", label: label)
    }
}
