import EBMCore

/// How a spec relates to the one a sweep directory holds: the decision behind resuming, growing
/// or refusing a re-run (docs/design.md, "Growing a sweep").
///
/// Job ids are content hashes of the resolved configuration and seed, so a job means the same
/// work in any spec that plans it. A spec that plans every stored job (and more), scored by the
/// same evaluation sampler and ranked by the same metric, *grows* the sweep: the finished jobs
/// stay valid and only the new ones need to run. Anything else — a fixed value, the method, the
/// evaluation, the metric, a removed value or seed — *alters* it and is refused.
public enum SpecChange: Equatable, Sendable {
    /// The same jobs, evaluation and metric (cosmetic edits at most): resume as is.
    case same
    /// Every stored job is still planned; `added` are the new ones, in plan order.
    case grows(added: [Job])
    /// The stored jobs would change meaning or disappear; `reason` says how, in one sentence.
    case alters(reason: String)

    /// - Parameters:
    ///   - stored: the spec the sweep was created (or last grown) with; nil if it no longer parses.
    ///   - storedJobIDs: the ids of every job in the sweep's store (racing's excepted).
    ///   - new: the spec of this run.
    ///   - raceSeeds: the seeds racing used or will use, if it began (`Racing.reservedSeeds`): a
    ///     spec that adds one of them alters the sweep, since the race's seeds must be ones the
    ///     grid never saw (docs/design.md, "Racing").
    public init(stored: SweepSpec?, storedJobIDs: Set<String>, new: SweepSpec, raceSeeds: ClosedRange<UInt64>? = nil) {
        guard let stored else {
            self = .alters(reason: "the stored spec no longer parses, so its evaluation and metric cannot be compared")
            return
        }
        if stored.metric != new.metric {
            self = .alters(reason: "the ranking metric changed")
            return
        }
        if stored.evaluation != new.evaluation {
            self = .alters(reason: "the evaluation sampler changed, so finished runs would not compare with new ones")
            return
        }
        // Only seeds this spec adds: a sweep grown into the race's seeds before this check existed
        // may still grow by others.
        if let raceSeeds, let taken = new.seeds.first(where: { raceSeeds.contains($0) && !stored.seeds.contains($0) }) {
            let range = raceSeeds.count == 1 ? "\(raceSeeds.lowerBound)" : "\(raceSeeds.lowerBound)–\(raceSeeds.upperBound)"
            self = .alters(reason: "seed \(taken) is one of racing's (\(range)), which must stay seeds the grid never planned; "
                           + "add seeds above \(raceSeeds.upperBound) instead")
            return
        }
        let plan = Planner.plan(new)
        let planned = Set(plan.map(\.id))
        let dropped = storedJobIDs.subtracting(planned).count
        if dropped > 0 {
            self = .alters(reason: "\(dropped) of the sweep's \(storedJobIDs.count) jobs are not in the new spec "
                           + "(a changed or removed value, seed or method)")
            return
        }
        let added = plan.filter { !storedJobIDs.contains($0.id) }
        self = added.isEmpty ? .same : .grows(added: added)
    }
}
