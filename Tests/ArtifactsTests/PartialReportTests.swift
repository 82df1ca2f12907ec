import Foundation
import Store
import Sweep
import Testing
import TestSupport
@testable import Artifacts

/// A report that is there while the sweep runs: rewritten as jobs finish, at most every few
/// seconds, saying it is partial and when it was written. (The coordinator's rewrites while it
/// runs: ClusterTests' LiveReportTests.)
@Suite("Partial report")
struct PartialReportTests {
    @Test("the schedule writes at once, then only for new results and never twice within the interval")
    func schedule() {
        var s = ReportSchedule(interval: 5)
        // (now, finished jobs, due?) on virtual time.
        let steps: [(Double, Int, Bool)] = [
            (0, 0, true),      // the page exists from the start
            (1, 0, false),     // nothing new
            (2, 1, false),     // new, but 2 s after the last write
            (4.9, 3, false),
            (5, 3, true),      // the burst of three results: one write
            (6, 3, false),
            (30, 3, false),    // quiet sweep: no rewrites
            (31, 4, true),     // long after the last write: at once
        ]
        for (now, finished, expected) in steps {
            #expect(s.due(now: now, finished: finished) == expected, "at \(now) s with \(finished) finished")
        }
    }

    @Test("a partial page says so, when it was written, and reloads itself; the final one does not")
    func partialThenFinal() throws {
        // Seeds 0 and 1 finished, seed 2 of every configuration not yet.
        let fixture = try SweepDatabaseFixture { $0.seed < 2 ? .ok : nil }
        let written = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00:00 UTC
        try SweepArtifacts.write(store: fixture.store, spec: fixture.spec, to: fixture.directory, now: written)
        let html = try fixture.read("report.html")
        #expect(html.contains("Partial: 16 of 24 jobs finished, 0 running; written 2027-01-15 08:00:00 UTC"))
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"10\">"))
        #expect(try fixture.read("results.md").contains("**Partial: 16 of 24 jobs finished (written 2027-01-15 08:00:00 UTC).**"))
        #expect(try fixture.read("results.tex").contains("Partial: 16 of 24 jobs finished"))

        for job in fixture.jobs where job.seed == 2 {
            try fixture.store.record(SweepDatabaseFixture.result(for: job, status: .ok))
        }
        try SweepArtifacts.write(store: fixture.store, spec: fixture.spec, to: fixture.directory, now: written)
        let final = try fixture.read("report.html")
        #expect(final.contains("All 24 jobs finished; written 2027-01-15 08:00:00 UTC."))
        #expect(!final.contains("http-equiv=\"refresh\"") && !final.contains("Partial"))
        #expect(!(try fixture.read("results.tex")).contains("Partial"))
    }
}
