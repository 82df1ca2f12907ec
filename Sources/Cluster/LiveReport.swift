import Foundation
import Store
import Sweep

/// When a running sweep's report is rewritten: as soon as it starts, then whenever jobs have
/// finished since the last write, but at most once every `interval` seconds, so a burst of results
/// costs one rewrite. Pure: the caller passes the time (the coordinator's clock, or a test's).
struct ReportSchedule: Sendable, Equatable {
    var interval: Double
    var lastWrite: Double?
    var lastFinished: Int?

    /// True when a write is due at `now` with `finished` jobs finished; records it as done.
    mutating func due(now: Double, finished: Int) -> Bool {
        guard finished != lastFinished else { return false }
        if let lastWrite, now - lastWrite < interval { return false }
        lastWrite = now
        lastFinished = finished
        return true
    }
}

/// Rewrites the sweep's tables, figures and report.html while it runs (`SweepArtifacts`, with the
/// partial banner), on `ReportSchedule`'s rhythm. A failed rewrite is reported to the caller and
/// retried at the next tick; it never stops the sweep, whose truth is the store.
public final class LiveReport {
    /// Seconds between rewrites at most: a page a few seconds old is fresh enough to read, and a
    /// rewrite (tables, figures, PDFs) must not take a noticeable share of the coordinator's time.
    public static let defaultInterval = 5.0

    let store: SweepStore
    let spec: SweepSpec
    let directory: String
    var schedule: ReportSchedule
    let bestCache = BestCache()
    private var failures = 0

    public init(store: SweepStore, spec: SweepSpec, directory: String, interval: Double = defaultInterval) {
        self.store = store
        self.spec = spec
        self.directory = directory
        schedule = ReportSchedule(interval: interval)
    }

    /// Called from the coordinator's loop with its clock and the number of finished jobs. Returns
    /// a line to log when a rewrite failed (the first few times only), else nil.
    public func tick(now: Double, finished: Int) -> String? {
        guard schedule.due(now: now, finished: finished) else { return nil }
        do {
            try SweepArtifacts.write(store: store, spec: spec, to: directory, bestCache: bestCache)
            return nil
        } catch {
            failures += 1
            // Let a later tick try again even if no job finishes meanwhile.
            schedule.lastFinished = nil
            return failures <= 3 ? "report not rewritten (will retry): \(error)" : nil
        }
    }
}
