import Foundation
import Logging
import Report
import Store
import Wire

/// Talking to peers without trusting them: sends never wait, a peer that stops reading is
/// dropped, and what a peer can make us log or store is escaped and rate-limited per connection
/// (docs/design.md, "Hostile peers").
extension Coordinator {
    enum SendOutcome: Equatable {
        case sent
        /// Its pipe is at the ROUTER's high-water mark: the peer is not reading. Nothing was sent.
        case full
        /// No such worker, or its connection is gone.
        case gone
    }

    /// Connections remembered as dropped; the oldest is forgotten first.
    static let droppedPeerLimit = 1024
    /// Seconds between the lines that count what a peer's budget suppressed.
    static let suppressedReportInterval = 10.0

    /// Sends without ever waiting: one peer that never reads must not stall the loop (with
    /// ROUTER_MANDATORY a full pipe answers EAGAIN at once). A full pipe starts the worker's stall
    /// clock; `dropStalledWorkers` ends it.
    @discardableResult
    func send(_ message: CoordinatorMessage, to worker: String) -> SendOutcome {
        guard let peer = workers[worker]?.peer else { return .gone }
        do {
            if try channel.send(message, to: peer, timeout: .zero) {
                workers[worker]?.stalledSince = nil
                return .sent
            }
            if workers[worker]?.stalledSince == nil { workers[worker]?.stalledSince = now }
            return .full
        } catch {
            return .gone
        }
    }

    func broadcast(_ message: CoordinatorMessage) {
        for worker in workers.keys { send(message, to: worker) }
    }

    func forget(_ worker: String) {
        if let peer = workers[worker]?.peer { peers[peer] = nil }
        workers[worker] = nil
    }

    /// A worker whose pipe stayed full for two heartbeat intervals is lost: its leases count as
    /// attempts, and its connection is no longer heard. Filling the pipe took thousands of unread
    /// messages, and a heartbeat goes out every interval, so a worker that reads at all has
    /// emptied it by then; two intervals, not a liveness period, so that a non-reader is dropped
    /// (and said to be) before it would be declared lost for silence.
    func dropStalledWorkers(now t: Double) throws {
        let limit = 2 * settings.heartbeatInterval
        let stalled = workers.filter { $0.value.stalledSince.map { t - $0 >= limit } ?? false }
        for (worker, info) in stalled.sorted(by: { $0.key < $1.key }) {
            let jobs = scheduler.workerLost(worker)
            try persist(jobs, lastLoss: "worker \(worker) stopped reading")
            forget(worker)
            if droppedPeers.count >= Self.droppedPeerLimit { droppedPeers.removeFirst() }
            droppedPeers.append(info.peer)
            // Not from its budget (a flood has spent it): one line per registration, and READYs are budgeted.
            let seconds = String(format: "%.1f", t - (info.stalledSince ?? t))
            record("worker \(worker) dropped: its queue has been full for \(seconds) s (it does not read)\(jobs.isEmpty ? "" : "; requeued \(jobs.joined(separator: ", "))")",
                   level: .warning, metadata: Logger.worker(worker),
                   event: StoreEvent(kind: .workerDropped, worker: worker, detail: "queue full for \(seconds) s"))
        }
    }

    func isDropped(_ peer: [UInt8]) -> Bool { droppedPeers.contains(peer) }

    /// Logs `line` (at `level`, with `metadata`) and stores `event` (when given), all escaped, if
    /// `peer`'s budget allows; otherwise only counts them, for `reportSuppressed`. Everything a
    /// peer's message makes us write goes through here.
    func note(_ line: String, level: Logger.Level = .info, metadata: Logger.Metadata = [:], event: StoreEvent? = nil,
              peer: [UInt8], now t: Double) {
        guard budget.spend(PeerID.text(peer), now: t) else { return }
        record(line, level: level, metadata: metadata, event: event)
    }

    /// Logs `line` and stores `event`, all escaped, without asking a budget.
    func record(_ line: String, level: Logger.Level = .info, metadata: Logger.Metadata = [:], event: StoreEvent?) {
        // Metadata values may name a peer's worker or job: escaped and cut like the line.
        let escaped = metadata.mapValues { Logger.MetadataValue.string(PeerText.escaped("\($0)", limit: 128)) }
        logger.log(level: level, "\(PeerText.escaped(line))", metadata: escaped)
        guard var event else { return }
        event.detail = event.detail.map { PeerText.escaped($0) }
        event.worker = event.worker.map { PeerText.escaped($0, limit: 128) }
        event.jobID = event.jobID.map { PeerText.escaped($0, limit: 128) }
        try? store.log(event: event)
    }

    /// One line and one event per peer whose budget suppressed lines for a while (all of them
    /// when `all`), so a flood stays visible after the fact.
    func reportSuppressed(now t: Double, all: Bool = false) {
        for (peer, count, since) in budget.suppressed(olderThan: all ? 0 : Self.suppressedReportInterval, now: t) {
            let who = workers.first { PeerID.text($0.value.peer) == peer }.map { "worker \($0.key)" } ?? "connection \(peer)"
            let line = "suppressed \(count) log line\(count == 1 ? "" : "s") and events caused by \(who) in the last \(Int((t - since).rounded())) s"
            logger.warning("\(PeerText.escaped(line))")
            try? store.log(event: StoreEvent(kind: .suppressed, worker: String(peer.prefix(128)), detail: line))
        }
    }

    func countMalformed(peer: [UInt8]?, reason: String) {
        malformed += 1
        let who = peer.map { peers[$0] ?? "connection " + PeerID.text($0) } ?? "?"
        let line = "dropped malformed message #\(malformed) from \(who): \(reason)"
        note(line, level: .warning, metadata: ["peer": "\(who)"], event: StoreEvent(kind: .malformed, worker: who, detail: "#\(malformed): \(reason)"), peer: peer ?? [], now: now)
    }

    /// One line and one event with what was turned away, so a flood is visible after the fact.
    func reportRefusals() {
        reportSuppressed(now: now, all: true)
        guard malformed > 0 || refusedResults > 0 || refusedRegistrations > 0 else { return }
        var line = "dropped \(malformed) malformed message\(malformed == 1 ? "" : "s"), refused \(refusedResults) result\(refusedResults == 1 ? "" : "s") from workers not holding the job"
        if refusedRegistrations > 0 { line += ", refused \(refusedRegistrations) registration\(refusedRegistrations == 1 ? "" : "s") under another key's worker name" }
        logger.notice("\(line)")
        try? store.log(event: StoreEvent(kind: .refusals, detail: line))
    }
}
