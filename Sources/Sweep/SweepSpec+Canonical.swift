import EBMCore

/// Canonical forms of a spec: what it means, without comments, key order of `fixed`, or number
/// spelling (`1.0e-3` and `0.001` are the same). The resume check and the diff are built on them.
extension SweepSpec {
    /// One `(key path, value)` per setting, in a fixed order. `fixed` is sorted by key (its order
    /// means nothing); grid and random axes keep spec order (it sets the job order).
    public var canonicalEntries: [(key: String, value: String)] {
        var e: [(key: String, value: String)] = [
            ("name", name), ("method", method.rawValue), ("dataset", dataset.rawValue), ("metric", metric.rawValue),
        ]
        for p in fixed.sorted(by: { $0.name < $1.name }) { e.append(("fixed.\(p.name)", p.value.description)) }
        for axis in grid { e.append(("grid.\(axis.name)", Self.list(axis.values.map(\.description)))) }
        if let random {
            e.append(("random.samples", String(random.samples)))
            e.append(("random.seed", String(random.seed)))
            for axis in random.axes { e.append(("random.\(axis.name)", "{\(axis.distribution.canonicalText)}")) }
        }
        e.append(("seeds", Self.list(seeds.map(String.init))))
        e.append(("evaluation.samples", String(evaluation.samples)))
        e.append(("evaluation.sampler.init", evaluation.initDistribution.rawValue))
        e.append(("evaluation.sampler.init_scale", HyperparameterValue.format(evaluation.initScale)))
        e.append(("evaluation.sampler.step_size", HyperparameterValue.format(evaluation.stepSize)))
        e.append(("evaluation.sampler.steps", String(evaluation.steps)))
        // Only when written, so the canonical text of every earlier spec is unchanged.
        if let earlyStopping { e += earlyStopping.canonicalEntries }
        e.append(("keep_best", String(keepBest)))
        e.append(("max_attempts", String(maxAttempts)))
        e.append(("reproducible", reproducible.rawValue))
        return e
    }

    /// 32 hex digits identifying what the sweep computes: the sorted job ids (so the resolved
    /// configurations and seeds), the evaluation sampler, the ranking metric and an active
    /// stopping rule (absent or `none`, it adds nothing: earlier sweeps keep their hash). Cosmetic edits
    /// (comments, key order, `name`, `description`, `keep_best`, `max_attempts`, number spelling,
    /// or a fixed value restating a default) keep it; anything that changes a job changes it.
    public var planHash: String {
        let ids = Planner.plan(self).map(\.id).sorted().joined(separator: "\n")
        let e = evaluation
        // Portable kernels change the bits of every job; written only then, so native sweeps keep their hash.
        let kernels = reproducible == .portable ? "reproducible: portable\n" : ""
        var text = kernels + """
            metric: \(metric.rawValue)
            evaluation: \(e.samples) \(e.initDistribution.rawValue) \(HyperparameterValue.format(e.initScale)) \
            \(HyperparameterValue.format(e.stepSize)) \(e.steps)
            jobs:
            \(ids)
            """
        if let stopping = earlyStopping, stopping.isActive {
            text += "\n" + stopping.canonicalEntries.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
        }
        return StableHash.hex(text, digits: 32)
    }

    static func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
}

/// The readable difference between two specs' canonical forms, one line per changed key:
/// `grid.lr: [0.001, 0.0003] → [0.001]`. Shown when a re-run finds the spec changed.
public struct SpecDiff: Sendable, Equatable, CustomStringConvertible {
    public struct Change: Sendable, Equatable {
        public var key: String
        /// nil when the key is new.
        public var old: String?
        /// nil when the key was removed.
        public var new: String?
    }

    /// In the new spec's key order, then removed keys in the old spec's order.
    public var changes: [Change]

    public init(from old: SweepSpec, to new: SweepSpec) {
        self.init(old: old.canonicalEntries, new: new.canonicalEntries)
    }

    init(old: [(key: String, value: String)], new: [(key: String, value: String)]) {
        let oldValues = Dictionary(old, uniquingKeysWith: { a, _ in a })
        let newKeys = Set(new.map(\.key))
        var changes: [Change] = []
        for (key, value) in new where oldValues[key] != value {
            changes.append(Change(key: key, old: oldValues[key], new: value))
        }
        for (key, value) in old where !newKeys.contains(key) {
            changes.append(Change(key: key, old: value, new: nil))
        }
        self.changes = changes
    }

    public var isEmpty: Bool { changes.isEmpty }

    public var description: String {
        changes.map { "\($0.key): \($0.old ?? "(unset)") → \($0.new ?? "(unset)")" }.joined(separator: "\n")
    }
}
