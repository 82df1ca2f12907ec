import EBMCore
import Yams

/// The `early_stopping:` section:
/// ```yaml
/// early_stopping:
///   type: asha              # asha | median | none (the default: every job runs to its end)
///   min_iterations: 100     # the first rung
///   reduction_factor: 3     # η: rungs at min_iterations·η^k; ASHA keeps the best 1/η
///   evaluation: {samples: 500, steps: 200}   # the cheap evaluation at each rung (step_size:
///                                             # default, the final evaluation's ε·T over these steps)
///   race_seeds: 3           # fresh seeds racing runs the best on, its closest rivals on the
///                           # first (default: as many as the sweep has; 0: no racing)
/// ```
extension SpecReader {
    static let earlyStoppingKeys = ["type", "min_iterations", "reduction_factor", "evaluation", "race_seeds"]

    /// nil when the section is absent (or too broken to use; the issues say why).
    mutating func readEarlyStopping(_ node: Node, final: EvaluationConfig,
                                    keyLines: inout [String: Int]) -> EarlyStopping? {
        guard let map = mapping(node, "early_stopping") else { return nil }
        var rule: EarlyStopping.Rule?
        var namesRule = false
        var settings = EarlyStopping.defaults(rule: .none, final: final)
        for entry in entries(map, "early_stopping") {
            let path = "early_stopping.\(entry.key)"
            keyLines[path] = entry.keyNode.mark?.line
            switch entry.key {
            case "type":
                namesRule = true
                rule = word(entry.value, path, from: EarlyStopping.Rule.allCases.map(\.rawValue))
                    .flatMap(EarlyStopping.Rule.init(rawValue:))
            case "min_iterations":
                if let v = integer(entry.value, path, in: 1...1_000_000) { settings.minIterations = v }
            case "reduction_factor":
                if let v = integer(entry.value, path, in: 2...100) { settings.reductionFactor = v }
            case "race_seeds":
                if let v = integer(entry.value, path, in: 0...100) { settings.raceSeeds = v }
            case "evaluation":
                if let cheap = readCheapEvaluation(entry.value, final: final) { settings.evaluation = cheap }
            default:
                report(entry.keyNode, path, "unknown key '\(entry.key)'"
                       + EditDistance.hint(for: entry.key, among: Self.earlyStoppingKeys))
            }
        }
        guard let rule else {
            if !namesRule {
                report(node, "early_stopping.type", "is required: one of "
                       + EarlyStopping.Rule.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return nil
        }
        settings.rule = rule
        return settings
    }

    /// `samples`, `steps` and `step_size` of the rung evaluation; the sampler's start is the
    /// sweep's (`final`), so a rung and the final evaluation differ only in how much they sample
    /// (`EarlyStopping.cheapEvaluation`).
    private mutating func readCheapEvaluation(_ node: Node, final: EvaluationConfig) -> EvaluationConfig? {
        guard let map = mapping(node, "early_stopping.evaluation") else { return nil }
        var samples: Int?, steps: Int?, stepSize: Double?
        var ok = true
        for entry in entries(map, "early_stopping.evaluation") {
            let path = "early_stopping.evaluation.\(entry.key)"
            switch entry.key {
            case "samples":
                samples = integer(entry.value, path, in: 1...100_000)
                ok = ok && samples != nil
            case "steps":
                steps = integer(entry.value, path, in: 0...1_000_000)
                ok = ok && steps != nil
            case "step_size":
                stepSize = number(entry.value, path)
                if let v = stepSize, !(v > 0 && v <= 10) {
                    report(entry.value, path, "must be a number greater than 0 and at most 10, got \(HyperparameterValue.format(v))")
                    stepSize = nil
                }
                ok = ok && stepSize != nil
            default:
                ok = false
                report(entry.keyNode, path, "unknown key '\(entry.key)'"
                       + EditDistance.hint(for: entry.key, among: ["samples", "steps", "step_size"])
                       + "; the rung evaluation starts like evaluation.sampler")
            }
        }
        return ok ? EarlyStopping.cheapEvaluation(final: final, samples: samples, steps: steps, stepSize: stepSize) : nil
    }

    /// A rule with no rung below any configuration's iterations would never judge anything:
    /// refused at `min_iterations` (or `type` when that key is not written).
    mutating func checkRungs(_ spec: SweepSpec) {
        guard let e = spec.earlyStopping, e.isActive else { return }
        let longest = Planner.configurations(for: spec).map(\.iterations).max() ?? 0
        guard e.rungs(forIterations: longest).isEmpty else { return }
        let path = spec.keyLines["early_stopping.min_iterations"] != nil ? "early_stopping.min_iterations" : "early_stopping.type"
        issues.append(SpecIssue(file: file, line: spec.keyLines[path] ?? spec.keyLines["early_stopping"] ?? 1, column: 1,
                                keyPath: path, message: "the first rung (\(e.minIterations)) must be below the "
                                + "iterations of some configuration (at most \(longest)), or nothing is ever judged"))
    }
}
