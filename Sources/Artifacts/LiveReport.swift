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
/// partial banner), on `ReportSchedule`'s rhythm, on a thread of its own with its own read-only
/// connection to the store (WAL: it never blocks the coordinator's writes). The coordinator's loop
/// only decides and hands over: a rewrite takes a second or more on a busy host, longer than a
/// worker waits for a heartbeat with `--heartbeat 0.2`. One rewrite at a time; a failed one is
/// reported at the next tick and retried; it never stops the sweep, whose truth is the store.
public final class LiveReport: @unchecked Sendable {
    /// Seconds between rewrites at most: a page a few seconds old is fresh enough to read.
    public static let defaultInterval = 5.0

    let storePath: String
    let spec: SweepSpec
    let directory: String
    /// Used by the coordinator's thread only.
    var schedule: ReportSchedule
    /// Used by the writing thread only (one at a time, see `busy`).
    private var reader: SweepStore?
    private let bestCache = BestCache()
    /// Guarded by `condition`.
    private let condition = NSCondition()
    private var busy = false
    private var failures = 0
    private var problem: String?
    /// The last rewrite failed: try again at a later tick even if no job finishes meanwhile.
    private var retry = false

    public init(store: SweepStore, spec: SweepSpec, directory: String, interval: Double = defaultInterval) {
        storePath = store.path
        self.spec = spec
        self.directory = directory
        schedule = ReportSchedule(interval: interval)
    }

    /// Called from the coordinator's loop with its clock and the number of finished jobs: starts a
    /// rewrite when one is due and none is running. Returns a line to log when the last rewrite
    /// failed (the first few failures only), else nil.
    public func tick(now: Double, finished: Int) -> String? {
        condition.lock()
        let running = busy
        let report = problem
        problem = nil
        if retry { schedule.lastFinished = nil }
        retry = false
        condition.unlock()
        guard !running, schedule.due(now: now, finished: finished) else { return report }
        condition.lock()
        busy = true
        condition.unlock()
        Thread { [self] in rewrite() }.start()
        return report
    }

    /// Blocks until no rewrite is running: call before writing the final report, so two writers
    /// never build best/ at once.
    public func waitUntilIdle() {
        condition.lock()
        while busy { condition.wait() }
        condition.unlock()
    }

    private func rewrite() {
        var failure: String?
        do {
            if reader == nil { reader = try SweepStore.openReadOnly(at: storePath) }
            if let reader { try SweepArtifacts.write(store: reader, spec: spec, to: directory, bestCache: bestCache) }
        } catch {
            failure = "report not rewritten (will retry): \(error)"
        }
        condition.lock()
        if let failure {
            failures += 1
            if failures <= 3 { problem = failure }
            retry = true
        }
        busy = false
        condition.broadcast()
        condition.unlock()
    }
}
