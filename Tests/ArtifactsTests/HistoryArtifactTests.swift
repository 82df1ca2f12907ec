import EBMCore
import Foundation
import Store
import Sweep
import Testing
@testable import Artifacts

@Suite("What a sweep's tables say about its course: the best over time, the rungs")
struct HistoryArtifactTests {
    let start = Date(timeIntervalSince1970: 2_000_000)

    @Test("the successive-halving figure draws each configuration's rung means from the store, stopped ones grey")
    func rungs() throws {
        let fixture = try SweepDatabaseFixture(record: { _ in nil })
        let configs = Array(Set(fixture.jobs.map(\.configID))).sorted().prefix(2)
        let kept = try #require(configs.first)
        for job in fixture.jobs where configs.contains(job.configID) {
            try fixture.store.markLeased(jobID: job.id, worker: "w1", attempt: 1, at: start)
            try fixture.store.record(rung: RungReport(jobID: job.id, iteration: 100, metric: 3 + Double(job.seed), escaped: 0),
                                     attempt: 1, worker: "w1", at: start)
            if job.configID == kept {
                try fixture.store.record(rung: RungReport(jobID: job.id, iteration: 300, metric: 2, escaped: 0), attempt: 1, worker: "w1", at: start)
                try fixture.store.record(SweepDatabaseFixture.result(for: job, status: .ok), finishedAt: start)
            } else {
                var stopped = SweepDatabaseFixture.result(for: job, status: .stopped)
                stopped.metrics = ["kde_nll": 3 + Double(job.seed), EarlyStopping.stoppedAtKey: 100]
                try fixture.store.record(stopped, finishedAt: start)
            }
        }
        try fixture.writeArtifacts()
        let svg = try fixture.read("figures/intermediate.svg")
        let figure = try SVGInspection(svg)
        // The stopped configuration reached one rung: a grey dot, and the legend says what grey means.
        #expect(svg.contains("#b0b0b0") && svg.contains("stopped early"))
        // Each configuration's point at rung 100 is its seeds' mean: (3 + 4 + 5) / 3 = 4.
        let values = figure.points.compactMap { figure.yValue(ofPixel: $0.y) }
        #expect(values.filter { abs($0 - 4) < 1e-2 }.count == 2, "\(values)")
        #expect(values.contains { abs($0 - 2) < 1e-2 })
    }
}
