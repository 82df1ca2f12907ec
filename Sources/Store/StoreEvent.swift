import Foundation

/// One line of the sweep's append-only event log: what the coordinator saw and decided, for
/// post-mortems ("why did job X run three times?") and for `ebm-sweep status`.
public struct StoreEvent: Sendable, Equatable {
    /// What happened: one word per kind, stored as its raw value (`events.kind`). A new kind is a
    /// new case; the column has no CHECK list, so adding one needs no migration.
    public enum Kind: String, CaseIterable, Sendable {
        /// A job was leased to a worker (`markLeased`).
        case lease
        /// A job went back to pending (`markPending`).
        case requeue
        /// A job gave up (`markFailed`).
        case failed
        /// A result was committed (`record`).
        case resultAccepted = "result_accepted"
        /// A second result for a finished job was dropped (`record` returned false).
        case duplicateDropped = "duplicate_dropped"
        /// A result came from a worker not holding the job's current lease; `detail` says why.
        case resultRefused = "result_refused"
        /// A worker registered (READY); `detail` holds its host, pid, slots and build.
        case workerJoined = "worker_joined"
        /// A worker said BYE; `detail` lists the jobs it handed back.
        case workerLeft = "worker_left"
        /// A coordinator resumed and healed rows: jobs with a stored result marked finished
        /// (`finishJobsWithResults`). Earlier releases wrote it when running jobs became pending.
        case resumed
        /// A grown spec replaced the stored one and added its new jobs (`grow`).
        case grown
        /// A worker went silent past its liveness limit.
        case workerLost = "worker_lost"
        /// A READY named a live worker registered with another CURVE key.
        case refusedRegistration = "refused_registration"
        /// Malformed messages were dropped; `detail` holds the count and reason.
        case malformed
        /// At the end of a run: what was turned away in all (malformed messages, refused results
        /// and registrations), so a flood is visible after the fact.
        case refusals
        /// A worker whose send queue stayed full was dropped (see docs/design.md, "Hostile peers").
        case workerDropped = "worker_dropped"
        /// A peer's per-connection budget refused lines; `detail` holds the count.
        case suppressed
        /// The early-stopping rule stopped a job that had no rung report (`markStopped`).
        case stopped
        /// Racing added seeds to the best configuration and its closest rivals (or found none close).
        case raced
    }

    public var at: Date
    public var kind: Kind
    public var jobID: String?
    public var worker: String?
    public var detail: String?

    public init(at: Date = Date(), kind: Kind, jobID: String? = nil, worker: String? = nil, detail: String? = nil) {
        self.at = at
        self.kind = kind
        self.jobID = jobID
        self.worker = worker
        self.detail = detail
    }
}
