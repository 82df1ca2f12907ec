import EBMCore

/// What to run: a validated spec → the list of jobs (configuration × seed), deterministically.
///
/// Order: grid points in the cartesian order of the spec's keys (the last key varies fastest),
/// each combined with every random sample (drawn once, in order, from `RandomSource(seed:)`);
/// configurations that resolve to the same values are kept once. The plan lists jobs seed by seed
/// (every configuration's first seed, then every second seed); the coordinator hands them out in
/// job-id order instead, so that a configuration's seeds run side by side and reach each rung
/// together (docs/design.md, "Job order").
public enum Planner {
    /// The resolved configurations (with `seed == 0`) in plan order, each once.
    /// - Precondition: every value in `spec` is valid for its method, as `SweepSpec.parse` ensures.
    public static func configurations(for spec: SweepSpec) -> [TrainingConfig] {
        var base = TrainingConfig.defaults(for: spec.method)
        base.dataset = spec.dataset
        base.seed = 0
        for p in spec.fixed { assign(p.name, p.value, to: &base) }

        var randomDraws: [[ParameterValue]] = [[]]
        if let random = spec.random {
            var source = RandomSource(seed: random.seed)
            randomDraws = (0..<random.samples).map { _ in
                random.axes.map { ParameterValue(name: $0.name, value: $0.distribution.sample(using: &source)) }
            }
        }
        var result: [TrainingConfig] = []
        var seen = Set<String>()
        for point in gridPoints(spec.grid) {
            for draw in randomDraws {
                var config = base
                for p in point + draw { assign(p.name, p.value, to: &config) }
                if seen.insert(configID(for: config)).inserted { result.append(config) }
            }
        }
        return result
    }

    /// Every job of the sweep: `configurations(for:)` × `spec.seeds`, ids `<configID>-s<seed>`.
    public static func plan(_ spec: SweepSpec) -> [Job] {
        let configs = configurations(for: spec).map { ($0, configID(for: $0)) }
        var jobs: [Job] = []
        jobs.reserveCapacity(configs.count * spec.seeds.count)
        for seed in spec.seeds {
            for (config, id) in configs {
                var seeded = config
                seeded.seed = seed
                jobs.append(Job(id: "\(id)-s\(seed)", configID: id, seed: seed, config: seeded))
            }
        }
        return jobs
    }

    /// The cartesian product of the axes, the last axis varying fastest; one empty point if none.
    static func gridPoints(_ axes: [GridAxis]) -> [[ParameterValue]] {
        var points: [[ParameterValue]] = [[]]
        for axis in axes {
            points = points.flatMap { point in axis.values.map { point + [ParameterValue(name: axis.name, value: $0)] } }
        }
        return points
    }

    static func assign(_ name: String, _ value: HyperparameterValue, to config: inout TrainingConfig) {
        do { try config.set(name, to: value) } catch {
            preconditionFailure("Planner got an unchecked spec value: \(error); build specs with SweepSpec.parse")
        }
    }

    /// `key=value` per line, keys sorted: `method` and every hyperparameter the method reads,
    /// except the seed and those a configuration records only off their default (`Presence`), so
    /// a parameter added later leaves every existing id as it was. Values print canonically
    /// (integers in decimal, reals as the shortest round-tripping decimal), so equal configurations
    /// give equal text however the spec wrote them.
    public static func canonicalText(of config: TrainingConfig) -> String {
        let recorded = Hyperparameter.registry.filter { $0.methods.contains(config.method) && $0.isRecorded(in: config) }
        let names = (["method"] + recorded.map(\.name)).filter { $0 != "seed" }
        return names.sorted().map { "\($0)=\(config.value(of: $0)?.description ?? "")" }.joined(separator: "\n")
    }

    /// 12 hex digits (48 bits) of the stable hash of `canonicalText(of:)`: replicas share it.
    public static func configID(for config: TrainingConfig) -> String {
        StableHash.hex(canonicalText(of: config), digits: 12)
    }
}
