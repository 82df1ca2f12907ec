import EBMCore
import Foundation
@testable import Store
import Sweep
import Testing

@Suite("The store's record of racing")
struct RacingStoreTests {
    /// Two configurations × one seed, in fresh stores under a temporary directory.
    struct Sweep {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("race-store-\(UUID().uuidString)").path
        let spec: SweepSpec
        let planned: [Job]

        init() throws {
            spec = try SweepSpec.parse(yaml: "name: t\nmethod: ml\nfixed: {iterations: 5}\ngrid: {lr: [0.001, 0.002]}\nseeds: [0]\n",
                                       file: "t.yaml")
            planned = Planner.plan(spec)
        }

        func store(_ name: String) throws -> SweepStore {
            try SweepStore.create(at: directory + "/\(name).sqlite", name: "t", specText: "", specHash: spec.planHash,
                                  specPath: "t.yaml", jobs: planned)
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test("race adds jobs and the decision in one step; a decision without jobs is still a decision")
    func race() throws {
        let sweep = try Sweep()
        defer { sweep.remove() }
        let planned = sweep.planned
        let store = try sweep.store("sweep")
        #expect(try !store.hasRaced() && store.racedJobIDs().isEmpty)
        let raced = Racing.jobs(rivals: planned, seeds: [1, 2])
        #expect(try store.race(raced, detail: "two race") == 4)
        #expect(try store.hasRaced() && store.racedJobIDs() == Set(raced.map(\.id)))
        #expect(try store.jobs().count == 6 && store.jobs().filter { raced.map(\.id).contains($0.job.id) }.allSatisfy { $0.status == .pending })

        let other = try sweep.store("other")
        #expect(try other.race([], detail: "none close") == 0)
        #expect(try other.hasRaced() && other.racedJobIDs().isEmpty && other.jobs().count == 2)
    }

    @Test("each step of a race numbers its jobs 1, 2, …; a store whose race jobs predate the numbers keeps adding unnumbered ones")
    func steps() throws {
        let sweep = try Sweep()
        defer { sweep.remove() }
        let planned = sweep.planned
        func store(_ name: String) throws -> SweepStore { try sweep.store(name) }
        let numbered = try store("numbered")
        try numbered.race(Racing.jobs(rivals: planned, seeds: [1]), detail: "finalists")
        try numbered.race([], detail: "a decision without jobs is no step")
        try numbered.race(Racing.jobs(rivals: [planned[1]], seeds: [2, 3]), detail: "the first-ranked")
        #expect(try numbered.racedSteps().map(\.step) == [1, 1, 2, 2])
        #expect(try numbered.racedSteps().map(\.jobID) == Racing.jobs(rivals: planned, seeds: [1]).map(\.id)
                + Racing.jobs(rivals: [planned[1]], seeds: [2, 3]).map(\.id))

        let legacy = try store("legacy")
        try legacy.race(Racing.jobs(rivals: planned, seeds: [1]), detail: "finalists")
        _ = try legacy.database.execute("UPDATE raced SET step = NULL")
        try legacy.race(Racing.jobs(rivals: [planned[0]], seeds: [2]), detail: "the first-ranked")
        #expect(try legacy.racedSteps().map(\.step) == [nil, nil, nil])
    }
}
