import EBMCore
import Testing
@testable import Sweep

@Suite("Spec changes: grow or alter")
struct SpecChangeTests {
    static let base = """
        method: ml
        fixed:
          iterations: 100
        grid:
          lr: [0.001, 0.003]
        seeds: [0, 1]
        evaluation:
          samples: 200
          sampler: {init: normal, step_size: 5.0e-4, steps: 20}
        """

    static func change(from old: String, to new: String) throws -> SpecChange {
        let stored = try spec(old)
        return SpecChange(stored: stored, storedJobIDs: Set(Planner.plan(stored).map(\.id)), new: try spec(new))
    }

    static func added(_ change: SpecChange) -> [Job]? {
        if case .grows(let jobs) = change { return jobs }
        return nil
    }

    @Test("a new grid value grows the sweep by that configuration's jobs only")
    func gridValue() throws {
        let grown = Self.base.replacingOccurrences(of: "[0.001, 0.003]", with: "[0.001, 0.003, 0.01]")
        let jobs = try #require(Self.added(try Self.change(from: Self.base, to: grown)))
        #expect(jobs.map(\.config.lr) == [0.01, 0.01])
        #expect(jobs.map(\.seed) == [0, 1])
    }

    @Test("a new seed that racing used or will use alters the sweep; one above the race's grows it")
    func raceSeeds() throws {
        let stored = try spec(Self.base)
        let ids = Set(Planner.plan(stored).map(\.id))
        for seeds in ["[0, 1, 2]", "[0, 1, 4]"] {
            let grown = try spec(Self.base.replacingOccurrences(of: "seeds: [0, 1]", with: "seeds: \(seeds)"))
            guard case .alters(let reason) = SpecChange(stored: stored, storedJobIDs: ids, new: grown, raceSeeds: 2...4) else {
                Issue.record("seeds \(seeds) grew into the race's 2–4")
                continue
            }
            #expect(reason.contains("racing's (2–4)") && reason.contains("above 4"), "\(reason)")
        }
        let above = try spec(Self.base.replacingOccurrences(of: "seeds: [0, 1]", with: "seeds: [0, 1, 5]"))
        #expect(Self.added(SpecChange(stored: stored, storedJobIDs: ids, new: above, raceSeeds: 2...4))?.map(\.seed) == [5, 5])
        // A sweep that already plans a race seed (grown before the check) may grow by others.
        let already = try spec(Self.base.replacingOccurrences(of: "seeds: [0, 1]", with: "seeds: [0, 1, 2]"))
        let more = try spec(Self.base.replacingOccurrences(of: "seeds: [0, 1]", with: "seeds: [0, 1, 2, 5]"))
        #expect(Self.added(SpecChange(stored: already, storedJobIDs: Set(Planner.plan(already).map(\.id)), new: more,
                                      raceSeeds: 2...4))?.map(\.seed) == [5, 5])
    }

    @Test("the race's seeds run from its first through race_seeds on (by default as many as the spec's seeds), or the largest it used")
    func reservedSeeds() throws {
        func reserved(_ raced: [UInt64], _ stopping: String, seeds: String = "[0, 1]") throws -> ClosedRange<UInt64>? {
            let text = Self.base.replacingOccurrences(of: "seeds: [0, 1]", with: "seeds: \(seeds)") + "\nearly_stopping: \(stopping)\n"
            return Racing.reservedSeeds(raced: raced, spec: try spec(text))
        }
        #expect(try reserved([], "{type: asha, min_iterations: 10}") == nil, "no race yet")
        #expect(try reserved([2, 2], "{type: asha, min_iterations: 10}") == 2...3, "by default two seeds, as many as the sweep's")
        #expect(try reserved([2], "{type: asha, min_iterations: 10}", seeds: "[0, 1, 7, 8]") == 2...5, "more seeds, a longer race")
        #expect(try reserved([2, 3], "{type: asha, min_iterations: 10, race_seeds: 4}") == 2...5)
        #expect(try reserved([2, 3, 4], "{type: asha, min_iterations: 10, race_seeds: 1}") == 2...4, "lowered: the seeds it used stay its")
        #expect(try reserved([2], "{type: asha, min_iterations: 10, race_seeds: 0}") == 2...2, "off: the seed it used")
    }

    @Test("a new seed, or a new grid axis that includes the current value, grows it")
    func seedAndAxis() throws {
        let moreSeeds = Self.base.replacingOccurrences(of: "seeds: [0, 1]", with: "seeds: [0, 1, 2]")
        #expect(try Self.added(try Self.change(from: Self.base, to: moreSeeds))?.map(\.seed) == [2, 2])
        // neurons defaults to 128 for ML: the existing jobs are the neurons=128 points of the new grid.
        let newAxis = Self.base.replacingOccurrences(of: "grid:\n", with: "grid:\n  neurons: [128, 64]\n")
        let jobs = try #require(Self.added(try Self.change(from: Self.base, to: newAxis)))
        #expect(jobs.count == 4 && jobs.allSatisfy { $0.config.neurons == 64 })
    }

    @Test("more random samples with the same seed keep the first samples identical and add the rest")
    func randomSamples() throws {
        let text = "method: dsm\nrandom:\n  samples: N\n  seed: 3\n  lr: {log_uniform: [1.0e-4, 1.0e-2]}\n"
            + "  hidden_layers: {int: [1, 3]}\n  activation: {choice: [relu, softplus]}\n"
        let five = try spec(text.replacingOccurrences(of: "N", with: "5"))
        let eight = try spec(text.replacingOccurrences(of: "N", with: "8"))
        #expect(Array(Planner.configurations(for: eight).prefix(5)) == Planner.configurations(for: five))
        let jobs = try #require(Self.added(SpecChange(stored: five, storedJobIDs: Set(Planner.plan(five).map(\.id)), new: eight)))
        #expect(jobs.count == 3)
    }

    @Test("a change to existing jobs, the evaluation or the metric is refused with the reason", arguments: [
        ("iterations: 100", "iterations: 200", "not in the new spec"),             // a fixed value
        ("method: ml", "method: dsm", "not in the new spec"),                      // the method
        ("[0.001, 0.003]", "[0.001]", "2 of the sweep's 4 jobs are not in the new spec"), // a removed value
        ("seeds: [0, 1]", "seeds: [0, 2]", "2 of the sweep's 4 jobs"),             // a replaced seed
        ("steps: 20", "steps: 30", "the evaluation sampler changed"),
        ("method: ml\n", "method: ml\nmetric: nll\n", "the ranking metric changed"),
    ])
    func altering(old: String, new: String, reason: String) throws {
        let changed = Self.base.replacingOccurrences(of: old, with: new)
        #expect(changed != Self.base)
        guard case .alters(let text) = try Self.change(from: Self.base, to: changed) else {
            Issue.record("\(old) → \(new) was accepted")
            return
        }
        #expect(text.contains(reason), "\(text)")
    }

    @Test("another random seed draws other samples: refused")
    func randomSeed() throws {
        let text = "method: dsm\nrandom:\n  samples: 4\n  seed: S\n  lr: {log_uniform: [1.0e-4, 1.0e-2]}\n"
        let change = try Self.change(from: text.replacingOccurrences(of: "S", with: "1"),
                                     to: text.replacingOccurrences(of: "S", with: "2"))
        #expect(Self.added(change) == nil && change != .same)
    }

    @Test("cosmetic edits are the same sweep; a stored spec that no longer parses is refused")
    func sameAndUnparsable() throws {
        let cosmetic = "# tuned later\nname: renamed\nkeep_best: 1\n" + Self.base.replacingOccurrences(of: "0.001", with: "1.0e-3")
        #expect(try Self.change(from: Self.base, to: cosmetic) == .same)
        let change = SpecChange(stored: nil, storedJobIDs: [], new: try spec(Self.base))
        guard case .alters(let reason) = change else { Issue.record("accepted"); return }
        #expect(reason.contains("no longer parses"))
    }
}
