import EBMCore
import Yams

/// The sections of a spec that need more than one value per key: random search, evaluation, and the
/// checks that span sections (a key set twice, a planned configuration that fails its own checks).
extension SpecReader {
    static let distributionNames = ["log_uniform", "uniform", "int", "choice"]

    mutating func readRandom(_ node: Node, method: Method?, keyLines: inout [String: Int]) -> RandomSearch? {
        guard let map = mapping(node, "random") else { return nil }
        var samples: Int?
        var seed: UInt64 = 0
        var axes: [RandomAxis] = []
        var namesAxis = false
        for entry in entries(map, "random") {
            let path = "random.\(entry.key)"
            keyLines[path] = entry.keyNode.mark?.line
            switch entry.key {
            case "samples":
                samples = integer(entry.value, path, in: 1...1_000_000)
                if samples == nil { samples = 0 }
            case "seed":
                seed = integer(entry.value, path, in: 0...Int.max).map(UInt64.init) ?? 0
            default:
                namesAxis = true
                guard let p = parameter(named: entry.key, keyNode: entry.keyNode, path: path, method: method),
                      let d = readDistribution(entry.value, path, of: p) else { continue }
                axes.append(RandomAxis(name: entry.key, distribution: d))
            }
        }
        if samples == nil { report(node, "random.samples", "is required: how many configurations to draw") }
        if !namesAxis {
            report(node, "random", "names no hyperparameter to sample; add e.g. lr: {log_uniform: [1.0e-4, 1.0e-2]}")
        }
        guard let samples, samples > 0 else { return nil }
        return RandomSearch(samples: samples, seed: seed, axes: axes)
    }

    mutating func readDistribution(_ node: Node, _ path: String, of p: Hyperparameter) -> RandomAxis.Distribution? {
        let usage = "must be one of {log_uniform: [a, b]}, {uniform: [a, b]}, {int: [a, b]}, {choice: [...]}"
        guard case .mapping(let map) = node, map.count == 1, let (keyNode, value) = map.first,
              case .string(let kind)? = Self.scalar(keyNode) else {
            report(node, path, "\(usage), got \(Self.describe(node))")
            return nil
        }
        let dpath = "\(path).\(kind)"
        switch (kind, p.kind) {
        case ("log_uniform", .real), ("uniform", .real):
            guard let (a, b) = readRange(value, dpath, number: { r, n, q in r.number(n, q) }) else { return nil }
            let okA = checkEnd(.double(a), value, "\(dpath)[0]", p), okB = checkEnd(.double(b), value, "\(dpath)[1]", p)
            var ok = okA && okB
            if ok && a >= b { report(value, dpath, "the lower end \(a) must be below the upper end \(b)"); ok = false }
            if ok && kind == "log_uniform" && a <= 0 {
                report(value, dpath, "log_uniform needs a lower end greater than 0, got \(a)"); ok = false
            }
            return ok ? (kind == "uniform" ? .uniform(a, b) : .logUniform(a, b)) : nil
        case ("int", .integer):
            guard let (a, b) = readRange(value, dpath, number: { r, n, q in r.integer(n, q, in: Int.min...Int.max) })
            else { return nil }
            let okA = checkEnd(.int(a), value, "\(dpath)[0]", p), okB = checkEnd(.int(b), value, "\(dpath)[1]", p)
            var ok = okA && okB
            if ok && a > b { report(value, dpath, "the lower end \(a) must not exceed the upper end \(b)"); ok = false }
            return ok ? .int(a, b) : nil
        case ("choice", _):
            guard let items = list(value, dpath) else { return nil }
            var values: [HyperparameterValue] = []
            for (i, item) in items.enumerated() {
                if let v = checkedValue(item, "\(dpath)[\(i)]", of: p) { values.append(v) }
            }
            return values.count == items.count ? .choice(values) : nil
        case ("log_uniform", _), ("uniform", _):
            report(keyNode, dpath, "\(kind) draws real numbers but \(p.name) is not real: use " + (isInteger(p) ? "int: [a, b]" : "choice: [...]"))
        case ("int", _):
            report(keyNode, dpath, "int draws integers but \(p.name) is not an integer: use " + (isInteger(p) ? "int" : isReal(p) ? "uniform or log_uniform" : "choice: [...]"))
        default:
            report(keyNode, dpath, "unknown distribution '\(kind)'" + EditDistance.hint(for: kind, among: Self.distributionNames))
        }
        return nil
    }

    private func isInteger(_ p: Hyperparameter) -> Bool { if case .integer = p.kind { true } else { false } }
    private func isReal(_ p: Hyperparameter) -> Bool { if case .real = p.kind { true } else { false } }

    private mutating func readRange<T>(_ node: Node, _ path: String,
                                       number: (inout SpecReader, Node, String) -> T?) -> (T, T)? {
        guard case .sequence(let s) = node, s.count == 2 else {
            report(node, path, "must be a list of two ends [a, b], got \(Self.describe(node))")
            return nil
        }
        let a = number(&self, s[0], "\(path)[0]"), b = number(&self, s[1], "\(path)[1]")
        guard let a, let b else { return nil }
        return (a, b)
    }

    private mutating func checkEnd(_ v: HyperparameterValue, _ node: Node, _ path: String, _ p: Hyperparameter) -> Bool {
        do { _ = try p.check(v); return true } catch {
            report(node, path, error.message)
            return false
        }
    }

    mutating func readEvaluation(_ node: Node?, method: Method) -> EvaluationConfig {
        var config = EvaluationConfig.defaults(for: method)
        guard let node, let map = mapping(node, "evaluation") else { return config }
        var nodes: [String: Node] = [:]
        for entry in entries(map, "evaluation") {
            switch entry.key {
            case "samples":
                nodes["samples"] = entry.value
                if let v = integer(entry.value, "evaluation.samples", in: 1...100_000) { config.samples = v }
            case "sampler":
                guard let sampler = mapping(entry.value, "evaluation.sampler") else { continue }
                for s in entries(sampler, "evaluation.sampler") {
                    let path = "evaluation.sampler.\(s.key)"
                    nodes[s.key] = s.value
                    switch s.key {
                    case "init":
                        if let w = word(s.value, path, from: SamplerInit.allCases.map(\.rawValue)),
                           let i = SamplerInit(rawValue: w) { config.initDistribution = i }
                    case "init_scale": if let v = number(s.value, path) { config.initScale = v }
                    case "step_size": if let v = number(s.value, path) { config.stepSize = v }
                    case "steps": if let v = integer(s.value, path, in: 0...1_000_000) { config.steps = v }
                    default:
                        report(s.keyNode, path, "unknown key '\(s.key)'"
                               + EditDistance.hint(for: s.key, among: ["init", "init_scale", "step_size", "steps"]))
                    }
                }
            default:
                report(entry.keyNode, "evaluation.\(entry.key)", "unknown key '\(entry.key)'"
                       + EditDistance.hint(for: entry.key, among: ["samples", "sampler"]))
            }
        }
        do { try config.validate() } catch {
            let path = error.key == "samples" ? "evaluation.samples" : "evaluation.sampler.\(error.key)"
            report(nodes[error.key] ?? node, path, error.message)
        }
        return config
    }

    /// A hyperparameter is either fixed, a grid axis or a random axis; the top-level `dataset`
    /// counts as fixed.
    mutating func checkConflicts(fixed: [ParameterValue], grid: [GridAxis], random: RandomSearch?,
                                 nodes: [String: (key: Node, value: Node)], keyLines: [String: Int]) {
        var owner: [String: String] = [:]
        if nodes["dataset"] != nil { owner["dataset"] = "dataset" }
        let sections = [("fixed", fixed.map(\.name)), ("grid", grid.map(\.name)), ("random", random?.axes.map(\.name) ?? [])]
        for (section, names) in sections {
            for name in names {
                let path = "\(section).\(name)"
                if let first = owner[name] {
                    let line = keyLines[first].map { " (line \($0))" } ?? ""
                    let line_ = keyLines[path] ?? 1
                    issues.append(SpecIssue(file: file, line: line_, column: 1, keyPath: path,
                                            message: "\(name) is also set by \(first)\(line); a hyperparameter is either fixed or varied, keep one"))
                } else { owner[name] = path }
            }
        }
    }

    /// Refuses a spec asking for more than `SweepSpec.maxJobs` jobs, counted before anything is
    /// expanded, at the key that multiplies most; returns whether the count is within the limit.
    mutating func checkJobCount(_ spec: SweepSpec) -> Bool {
        let count = spec.requestedJobCount
        guard count > SweepSpec.maxJobs else { return true }
        var factors = spec.grid.map { ("grid.\($0.name)", $0.values.count) }
        if let random = spec.random { factors.append(("random.samples", random.samples)) }
        factors.append(("seeds", spec.seeds.count))
        let largest = factors.max { $0.1 < $1.1 } ?? ("seeds", 1)
        let product = factors.map { "\($0.0) \($0.1)" }.joined(separator: " × ")
        let countText = count == Int.max ? "more than \(Int.max)" : "\(count)"
        issues.append(SpecIssue(file: file, line: spec.keyLines[largest.0] ?? 1, column: 1, keyPath: largest.0,
                                message: "the sweep would plan \(countText) jobs (\(product)), over the limit of "
                                    + "\(SweepSpec.maxJobs): list fewer values, or sample the space with random: samples"))
        return false
    }

    /// Distinct problems of planned configurations listed one by one; the rest are counted in one line.
    static let plannedIssueLimit = 10

    /// Cross-field checks (`batch_size` ≤ `data_size`, momentum only with SGD, the memory and
    /// checkpoint size of `ResourceEstimate`) on every planned configuration; each distinct
    /// problem is reported once, at the key that set it (or a related key the spec sets).
    mutating func checkPlannedConfigurations(_ spec: SweepSpec, root: Node) {
        var seen = Set<String>()
        var unlisted = 0
        for config in Planner.configurations(for: spec) {
            do { try config.validate() } catch {
                guard seen.insert(error.description).inserted else { continue }
                guard seen.count <= Self.plannedIssueLimit else { unlisted += 1; continue }
                let keys = [error.key] + error.relatedKeys
                let path = keys.lazy.flatMap { key in ["fixed", "grid", "random"].map { "\($0).\(key)" } }
                    .first { spec.keyLines[$0] != nil }
                let line = path.flatMap { spec.keyLines[$0] } ?? spec.keyLines["method"] ?? 1
                let suffix = path == nil ? " (the method's default)" : ""
                issues.append(SpecIssue(file: file, line: line, column: 1, keyPath: path ?? error.key,
                                        message: error.message + suffix))
            }
        }
        if unlisted > 0 {
            issues.append(SpecIssue(file: file, line: spec.keyLines["method"] ?? 1, column: 1, keyPath: "",
                                    message: "and \(unlisted) more problems of planned configurations"))
        }
    }
}
