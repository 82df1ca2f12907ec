import EBMCore
import Foundation
import Store
import Sweep
import Testing
@testable import Cluster
import Wire

/// The coordinator applies `RunVerdict` to what workers report, so a worker of an older build
/// that calls an exploded run ok cannot rank it first.
@Suite("Coordinator re-judges reported results")
struct CoordinatorVerdictTests {
    typealias Rig = CoordinatorRig

    @Test("An ok RESULT whose samples mostly escaped, or with a non-finite metric, is stored diverged with the reason and ranked last")
    func explodedResultIsDiverged() throws {
        let rig = try Rig(seeds: 3)
        try rig.start()
        let w = ScriptedWorker(rig, id: "w")
        try w.ready()
        var reports: [String: String] = [:]
        for variant in ["escaped", "nan", "sound"] {
            var message = try w.next()
            while case .ack? = message { message = try w.next() }   // the previous result's
            guard case .job(let a)? = message else { Issue.record("no job for \(variant): \(String(describing: message))"); return }
            var report = w.result(for: a, kde: 0.1)
            if case .result(var r) = report {
                switch variant {
                case "escaped": r.metrics["escaped"] = 0.9           // the best kde_nll, but exploded
                case "nan": r.metrics["nll"] = .nan
                default: r.metrics["escaped"] = 0.2; r.metrics["kde_nll"] = 2.5
                }
                report = .result(r)
            }
            reports[variant] = a.jobID
            try w.send(report)
        }
        #expect(try rig.finish() == .finished)
        let results = Dictionary(uniqueKeysWithValues: try rig.store.results().map { ($0.jobID, $0) })
        let escapedID = try #require(reports["escaped"]), nanID = try #require(reports["nan"])
        let soundID = try #require(reports["sound"])
        let escaped = try #require(results[escapedID])
        #expect(escaped.status == .diverged)
        #expect(escaped.error?.contains("90 % of the samples escaped") == true, "\(escaped.error ?? "")")
        let nan = try #require(results[nanID])
        #expect(nan.status == .diverged && nan.error?.contains("nll = nan") == true, "\(nan.error ?? "")")
        #expect(results[soundID]?.status == .ok)
        #expect(try rig.store.job(id: escapedID)?.status == .diverged)
        // One configuration, three seeds: only the sound seed's kde_nll is averaged.
        let rows = Ranking.rank(jobs: Planner.plan(rig.spec), results: results.values.map(\.summary), metric: .kdeNLL)
        #expect(rows.first?.metricMean == 2.5 && rows.first?.nDiverged == 2)
    }
}
