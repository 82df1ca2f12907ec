import EBMCore
import Foundation
import Yams

extension SweepSpec {
    static let topLevelKeys = ["name", "description", "method", "dataset", "metric", "fixed", "grid", "random",
                               "seeds", "evaluation", "early_stopping", "keep_best", "max_attempts", "reproducible"]

    /// A spec file's largest size: a hand-written sweep is a few KiB; a grid needing more is
    /// better drawn by `random:`. Reading stops here, so a 1 GB file (or /dev/zero) costs 1 MiB.
    public static let maxFileBytes = 1 << 20

    /// Reads and validates the spec file at `path` (the only I/O of this module).
    public static func load(path: String) throws(SweepSpecError) -> SweepSpec {
        try parse(yaml: readText(path: path), file: path)
    }

    /// The spec file's text, refused when unreadable (saying why: no such file, permission
    /// denied, a directory), over `maxFileBytes` or not UTF-8 (`SpecFile`).
    public static func readText(path: String) throws(SweepSpecError) -> String {
        try SpecFile.text(at: path)
    }

    /// Parses and validates spec text; `file` only names it in messages. Reports every issue found.
    public static func parse(yaml: String, file: String) throws(SweepSpecError) -> SweepSpec {
        var reader = SpecReader(file: file)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                reader.report(nil, "", "the file is empty; a sweep needs at least method:")
                throw SweepSpecError(code: .invalid, issues: reader.issues)
            }
            root = node
        } catch let error as SweepSpecError {
            throw error
        } catch {
            throw SweepSpecError(code: .syntax, issues: [syntaxIssue(error, file: file)])
        }
        let spec = reader.readSpec(root, defaultName: stem(of: file))
        guard let spec, reader.issues.isEmpty else {
            throw SweepSpecError(code: .invalid, issues: reader.issues)
        }
        return spec
    }

    static func stem(of file: String) -> String {
        URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    }

    static func syntaxIssue(_ error: any Error, file: String) -> SpecIssue {
        func issue(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> SpecIssue {
            let while_ = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return SpecIssue(file: file, line: mark.line, column: mark.column, keyPath: "",
                             message: "YAML syntax error: \(problem)\(while_)")
        }
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _)?: return issue(mark, problem, context)
        case .parser(let context, let problem, let mark, _)?: return issue(mark, problem, context)
        case .composer(let context, let problem, let mark, _)?: return issue(mark, problem, context)
        case .duplicatedKeysInMapping(let duplicates, let context)?:
            return SpecIssue(file: file, line: context.mark.line, column: context.mark.column, keyPath: "",
                             message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")); write each key once")
        default:
            return SpecIssue(file: file, line: 1, column: 1, keyPath: "", message: "YAML syntax error: \(error)")
        }
    }
}

extension SpecReader {
    /// Reads every top-level key, then cross-checks; nil if the spec is too broken to build.
    mutating func readSpec(_ root: Node, defaultName: String) -> SweepSpec? {
        guard let rootMap = mapping(root, "") else { return nil }
        var nodes: [String: (key: Node, value: Node)] = [:]
        for entry in entries(rootMap, "") {
            guard SweepSpec.topLevelKeys.contains(entry.key) else {
                let asParameter = Hyperparameter.named(entry.key) != nil && entry.key != "seed"
                    ? "; hyperparameters go under fixed:, grid: or random:" : EditDistance.hint(for: entry.key, among: SweepSpec.topLevelKeys)
                report(entry.keyNode, entry.key, "unknown key '\(entry.key)'\(asParameter)")
                continue
            }
            nodes[entry.key] = (entry.keyNode, entry.value)
        }
        var keyLines: [String: Int] = [:]
        for (key, pair) in nodes { keyLines[key] = pair.key.mark?.line }

        var method: Method?
        if let n = nodes["method"] {
            method = word(n.value, "method", from: Method.allCases.map(\.rawValue)).flatMap(Method.init(rawValue:))
        } else {
            report(root, "method", "is required: one of \(Method.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var name = defaultName
        if let n = nodes["name"], let s = text(n.value, "name") {
            let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
            if s.isEmpty || s.hasPrefix(".") || !s.unicodeScalars.allSatisfy(allowed.contains) {
                report(n.value, "name", "names the results directory: use letters, digits, '_', '-', '.', got '\(s)'")
            } else { name = s }
        }
        let description = nodes["description"].flatMap { text($0.value, "description") }
        var dataset = method.map { TrainingConfig.defaults(for: $0).dataset } ?? .swissRoll
        if let n = nodes["dataset"], let w = word(n.value, "dataset", from: DatasetName.allCases.map(\.rawValue)),
           let d = DatasetName(rawValue: w) { dataset = d }
        var metric = RankingMetric.kdeNLL
        if let n = nodes["metric"], let w = word(n.value, "metric", from: RankingMetric.allCases.map(\.rawValue)),
           let m = RankingMetric(rawValue: w) {
            metric = m
            if m.needsEnergyModel, let method, method.isScoreModel {
                report(n.value, "metric", "nll needs an energy model; method \(method.rawValue) learns a score: use kde_nll")
            }
        }

        let fixed = nodes["fixed"].map { readFixed($0.value, method: method, keyLines: &keyLines) } ?? []
        let grid = nodes["grid"].map { readGrid($0.value, method: method, keyLines: &keyLines) } ?? []
        let random = nodes["random"].flatMap { readRandom($0.value, method: method, keyLines: &keyLines) }
        checkConflicts(fixed: fixed, grid: grid, random: random, nodes: nodes, keyLines: keyLines)

        var seeds: [UInt64] = [0]
        if let n = nodes["seeds"] { seeds = readSeeds(n.value) }
        let evaluation = readEvaluation(nodes["evaluation"]?.value, method: method ?? .ml)
        let earlyStopping = nodes["early_stopping"].flatMap {
            readEarlyStopping($0.value, final: evaluation, keyLines: &keyLines)
        }
        let keepBest = nodes["keep_best"].flatMap { integer($0.value, "keep_best", in: 0...Int.max) }
            ?? SweepSpec.defaultKeepBest
        let maxAttempts = nodes["max_attempts"].flatMap { integer($0.value, "max_attempts", in: 1...100) }
            ?? SweepSpec.defaultMaxAttempts
        let reproducible = nodes["reproducible"].flatMap {
            word($0.value, "reproducible", from: Reproducibility.allCases.map(\.rawValue)).flatMap(Reproducibility.init(rawValue:))
        } ?? .native

        guard let method else { return nil }
        let spec = SweepSpec(file: file, name: name, description: description, method: method, dataset: dataset,
                             metric: metric, fixed: fixed, grid: grid, random: random, seeds: seeds,
                             evaluation: evaluation, earlyStopping: earlyStopping, keepBest: keepBest,
                             maxAttempts: maxAttempts, reproducible: reproducible, keyLines: keyLines)
        if issues.isEmpty && checkJobCount(spec) { checkPlannedConfigurations(spec, root: root) }
        if issues.isEmpty { checkRungs(spec) }
        return spec
    }

    mutating func readFixed(_ node: Node, method: Method?, keyLines: inout [String: Int]) -> [ParameterValue] {
        guard let map = mapping(node, "fixed") else { return [] }
        var result: [ParameterValue] = []
        for entry in entries(map, "fixed") {
            let path = "fixed.\(entry.key)"
            keyLines[path] = entry.keyNode.mark?.line
            guard let p = parameter(named: entry.key, keyNode: entry.keyNode, path: path, method: method),
                  let v = checkedValue(entry.value, path, of: p) else { continue }
            result.append(ParameterValue(name: entry.key, value: v))
        }
        return result
    }

    mutating func readGrid(_ node: Node, method: Method?, keyLines: inout [String: Int]) -> [GridAxis] {
        guard let map = mapping(node, "grid") else { return [] }
        var result: [GridAxis] = []
        for entry in entries(map, "grid") {
            let path = "grid.\(entry.key)"
            keyLines[path] = entry.keyNode.mark?.line
            let p = parameter(named: entry.key, keyNode: entry.keyNode, path: path, method: method)
            guard let items = list(entry.value, path) else { continue }
            var values: [HyperparameterValue] = []
            for (i, item) in items.enumerated() {
                guard let p, let v = checkedValue(item, "\(path)[\(i)]", of: p) else { continue }
                if let first = values.firstIndex(of: v) {
                    report(item, "\(path)[\(i)]", "repeats \(path)[\(first)] (\(v)); list each value once")
                } else { values.append(v) }
            }
            if p != nil { result.append(GridAxis(name: entry.key, values: values)) }
        }
        return result
    }

    mutating func readSeeds(_ node: Node) -> [UInt64] {
        guard let items = list(node, "seeds") else { return [] }
        var seeds: [UInt64] = []
        var firstIndex: [UInt64: Int] = [:]
        for (i, item) in items.enumerated() {
            guard let s = integer(item, "seeds[\(i)]", in: 0...Int.max).map(UInt64.init) else { continue }
            if let first = firstIndex[s] {
                report(item, "seeds[\(i)]", "repeats seeds[\(first)] (\(s)); replicas need distinct seeds")
            } else {
                firstIndex[s] = i
                seeds.append(s)
            }
        }
        return seeds
    }
}
