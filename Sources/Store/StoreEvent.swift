import Foundation

/// One line of the sweep's append-only event log: what the coordinator saw and decided, for
/// post-mortems ("why did job X run three times?") and for `ebm-sweep status`.
public struct StoreEvent: Sendable, Equatable {
    /// What happened. A struct rather than an enum so new kinds need no schema change.
    public struct Kind: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        /// A job was leased to a worker (`markLeased`).
        public static let lease: Kind = "lease"
        /// A job went back to pending (`markPending`).
        public static let requeue: Kind = "requeue"
        /// A job gave up (`markFailed`).
        public static let failed: Kind = "failed"
        /// A result was committed (`record`).
        public static let resultAccepted: Kind = "result_accepted"
        /// A second result for a finished job was dropped (`record` returned false).
        public static let duplicateDropped: Kind = "duplicate_dropped"
        /// Running jobs became pending after a coordinator restart (`resetRunningToPending`).
        public static let resumed: Kind = "resumed"
        /// A grown spec replaced the stored one and added its new jobs (`grow`).
        public static let grown: Kind = "grown"
        /// A worker went silent past its liveness limit.
        public static let workerLost: Kind = "worker_lost"
        /// Malformed messages were dropped; `detail` holds the count and reason.
        public static let malformed: Kind = "malformed"
        /// The early-stopping rule stopped a job that had no rung report (`markStopped`).
        public static let stopped: Kind = "stopped"
        /// Racing added seeds to the best configuration and its closest rivals (or found none close).
        public static let raced: Kind = "raced"
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
