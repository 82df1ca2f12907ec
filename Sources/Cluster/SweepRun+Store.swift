import Foundation
import Store
import Sweep

extension SweepRun {
    /// Opens the sweep's database, or creates it. A spec that only adds configurations or seeds
    /// grows the sweep (finished jobs keep their results); one that alters jobs is refused with
    /// the diff. --new always starts afresh, moving any sweep already there aside (the lock file
    /// with it, so `lock` is taken anew on the fresh directory).
    func openStore(lock: inout SweepLock) throws -> SweepStore {
        let path = (directory as NSString).appendingPathComponent("sweep.sqlite")
        let text: String
        text = try SweepSpec.readText(path: specPath)
        if FileManager.default.fileExists(atPath: path) && !new {
            let store = try SweepStore.open(at: path)
            if try store.specHash == sweep.planHash { return store }
            let old = try? SweepSpec.parse(yaml: try store.specText, file: try store.specPath)
            let diff = old.map { SpecDiff(from: $0, to: sweep).description } ?? "(the stored spec no longer parses)"
            // Racing's jobs are not the spec's to plan, nor its seeds the spec's to take
            // (docs/design.md, "Racing").
            let jobs = try store.jobs(), raced = try store.racedJobIDs()
            let stored = Set(jobs.map(\.job.id)).subtracting(raced)
            let raceSeeds = Racing.reservedSeeds(raced: jobs.filter { raced.contains($0.id) }.map(\.job.seed), spec: sweep)
            let added: [Job]
            switch SpecChange(stored: old, storedJobIDs: stored, new: sweep, raceSeeds: raceSeeds) {
            case .same: added = []
            case .grows(let jobs): added = jobs
            case .alters(let reason):
                throw CommandError("""
                    \(directory) holds a sweep that this spec would alter: \(reason). Changes:
                    \(diff)
                    A spec may only add configurations or seeds to a sweep. Re-run with --new to start afresh there \
                    (the old one is moved to \(directory).<time>), or give another --out.
                    """)
            }
            // In one transaction: a crash leaves the old sweep or the grown one, never half of it.
            try store.grow(specText: text, specHash: sweep.planHash, specPath: specPath, jobs: added)
            say("\(directory): the spec adds \(added.count) job\(added.count == 1 ? "" : "s") to the \(stored.count) "
                + "already there, whose results are kept. Changes:\n\(diff)")
            return store
        }
        if FileManager.default.fileExists(atPath: path) {   // and --new
            let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
            try FileManager.default.moveItem(atPath: directory, toPath: "\(directory).\(stamp)")
            let fresh = try SweepLock.acquire(directory: directory)
            lock.release()
            lock = fresh
            say("moved the old sweep to \(directory).\(stamp)")
        }
        let jobs = Planner.plan(sweep)
        return try SweepStore.create(at: path, name: sweep.name, specText: text, specHash: sweep.planHash,
                                     specPath: specPath, jobs: jobs)
    }
}
