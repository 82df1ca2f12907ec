import Foundation
import Report
import Store
import Sweep

/// The best over time (docs/design.md, "The best over time"): when the sweep had found what it
/// ends with. A sentence for results.md and report.html, and `figures/best-over-time.svg`.
extension SweepArtifacts {
    /// Changes of the best configuration named in the sentence (the latest ones; the figure has all).
    static let historyChanges = 6

    struct History {
        var line: String?
        var figure: SweepFigures.Figure?
    }

    /// The sentence alone, for `ebm-sweep status`; nil before any configuration has a best mean.
    public static func bestOverTimeLine(store: SweepStore, stored: [StoredJob], results: [ResultSummary],
                                        metric: RankingMetric) throws -> String? {
        try course(store: store, stored: stored, results: results, metric: metric).flatMap { sentence($0.trace.best, raceStart: $0.raceStart) }
    }

    /// The history from the store: the trace, when racing began and when the last job ended
    /// (seconds since the first lease); nil before the first lease.
    static func course(store: SweepStore, stored: [StoredJob], results: [ResultSummary], metric: RankingMetric) throws
        -> (trace: (best: [BestHistory.Point], entries: [BestHistory.Entry]), raceStart: Double?, end: Double)? {
        guard let start = try store.firstEvent(kind: .lease)?.at else { return nil }
        let raced = try store.racedJobIDs()
        let finishes = stored.compactMap { s in
            s.status.isFinished ? s.finishedAt.map { BestHistory.Finish(job: s.job, at: $0, status: s.status) } : nil
        }
        let added = Dictionary(stored.compactMap { s in s.addedAt.map { (s.job.id, $0) } }, uniquingKeysWith: { a, _ in a })
        let trace = BestHistory.trace(jobs: stored.map(\.job), raced: raced, added: added, finishes: finishes, results: results,
                                      start: start, metric: metric)
        let raceStart = raced.isEmpty ? nil : try store.firstEvent(kind: .raced)?.at.timeIntervalSince(start)
        let end = finishes.map { $0.at.timeIntervalSince(start) }.max() ?? 0
        return (trace, raceStart, end)
    }

    static func history(store: SweepStore, stored: [StoredJob], results: [ResultSummary], metric: RankingMetric) throws -> History {
        guard let (trace, raceStart, end) = try course(store: store, stored: stored, results: results, metric: metric),
              trace.best.last != nil else { return History() }
        let figure = Figures.bestOverTimeFigure(
            best: trace.best.map { .init(minutes: $0.elapsed / 60, value: $0.mean) },
            entries: trace.entries.compactMap { e in e.mean.map { .init(minutes: e.elapsed / 60, value: $0) } },
            raceStart: raceStart.map { $0 / 60 }, end: end / 60, metric: metric.rawValue, higherIsBetter: metric.higherIsBetter)
        return History(line: sentence(trace.best, raceStart: raceStart),
                       figure: figure.map { .init(name: "best-over-time", title: "the best configuration's \(metric.rawValue) as the sweep ran; grey: each configuration when its seeds had all ended", svg: $0) })
    }

    /// "Best over time (…): a432c76d882b 1.6530 (3 seeds) after 1 min 32 s and 120 worker-seconds; …".
    /// Each configuration that became best, at the moment it did; then, if its mean or seeds moved
    /// after that (racing), where it ended.
    static func sentence(_ best: [BestHistory.Point], raceStart: Double?) -> String? {
        guard let last = best.last else { return nil }
        var changes = best.enumerated().filter { k, p in k == 0 || best[k - 1].configID != p.configID }.map(\.element)
        let earlier = max(0, changes.count - historyChanges)
        changes = Array(changes.suffix(historyChanges))
        func text(_ p: BestHistory.Point) -> String {
            "\(PeerText.escaped(p.configID)) \(NumberText.significant(p.mean, digits: 5)) (\(p.seeds) seed\(p.seeds == 1 ? "" : "s")) after "
                + "\(NumberText.duration(p.elapsed)) and \(NumberText.fixed(p.workerSeconds, decimals: 0)) worker-seconds"
        }
        var parts = changes.map(text)
        if let final = changes.last, final != last {
            let raced = raceStart.map { last.elapsed >= $0 } ?? false
            parts.append("\(raced ? "after racing, " : "then ")" + text(last))
        }
        let skipped = earlier > 0 ? "\(earlier) earlier change\(earlier == 1 ? "" : "s"), then " : ""
        return "Best over time (figures/best-over-time.svg; time since the first job started): " + skipped
            + parts.joined(separator: "; ") + "."
    }
}
