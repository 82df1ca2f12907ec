import EBMCore
import Foundation
import Sweep

/// A job as the store knows it: the planned `Job` and where it stands. The scheduler rebuilds its
/// state from these on resume; `ebm-sweep status` prints them.
public struct StoredJob: Sendable, Equatable {
    public var job: Job
    public var status: RunStatus
    /// Attempts started so far (the attempt number of the latest lease).
    public var attempts: Int
    /// The worker of the latest lease or result; nil while pending.
    public var worker: String?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Seconds the accepted result took on its worker.
    public var seconds: Double?
    /// Why the job failed or diverged.
    public var error: String?
    /// When the job joined a sweep that already existed (grown or raced); nil for the jobs the
    /// sweep was created with (and for jobs stored before this was recorded).
    public var addedAt: Date?

    public init(job: Job, status: RunStatus, attempts: Int, worker: String? = nil, startedAt: Date? = nil,
                finishedAt: Date? = nil, seconds: Double? = nil, error: String? = nil, addedAt: Date? = nil) {
        self.job = job
        self.status = status
        self.attempts = attempts
        self.worker = worker
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.seconds = seconds
        self.error = error
        self.addedAt = addedAt
    }

    public var id: String { job.id }
}
