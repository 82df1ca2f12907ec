import EBMCore
import Foundation
import Store
import Sweep
import Testing
@testable import Cluster
import Wire

/// Every status a RESULT can carry, from any worker build, ends its job or is refused with a
/// reason; none stops the coordinator (docs/design.md, "One word for a job's state").
@Suite("Result statuses over in-memory channels")
struct ResultStatusTests {
    typealias Rig = CoordinatorRig

    /// The RESULT of a worker that refuses its configuration, as TrialRunner sends it.
    static func refusal(_ a: CoordinatorMessage.Assignment, reason: String) -> WorkerMessage {
        .result(ResultReport(jobID: a.jobID, attempt: a.attempt, status: .failed, metrics: [:], error: reason,
                             seconds: 0.01, secondsPerIteration: 0))
    }

    /// The frames of `message` with its header's status word replaced by `word`: what a worker of
    /// another build could send.
    static func frames(_ message: WorkerMessage, status word: String) -> [[UInt8]] {
        var frames = Codec.encode(message)
        let header = String(decoding: frames[2], as: UTF8.self)
        let forged = header.replacingOccurrences(of: "\"status\":\"failed\"", with: "\"status\":\"\(word)\"")
        precondition(forged != header || word == "failed", "the header has no failed status to replace")
        frames[2] = Array(forged.utf8)
        return frames
    }

    @Test("A failed RESULT finishes its job as failed with the reason stored; the sweep goes on and completes")
    func failedResult() throws {
        let rig = try Rig(seeds: 2)
        try rig.start()
        let w = ScriptedWorker(rig, id: "w")
        try w.ready()
        guard case .job(let a)? = try w.next() else { Issue.record("no first job"); return }
        let reason = "invalid configuration: neurons must be at most 4096"
        try w.send(Self.refusal(a, reason: reason))
        #expect(try w.next() == .ack(jobID: a.jobID, attempt: a.attempt))
        guard case .job(let b)? = try w.next() else { Issue.record("the coordinator stopped after a failed result"); return }
        try w.send(w.result(for: b))
        #expect(try rig.finish() == .finished)

        let failed = try #require(try rig.store.job(id: a.jobID))
        #expect(failed.status == .failed && failed.error == reason && failed.attempts == 1 && failed.finishedAt != nil)
        let stored = try #require(try rig.store.result(jobID: a.jobID))
        #expect(stored.status == .failed && stored.error == reason && stored.worker == "w")
        #expect(try rig.store.job(id: b.jobID)?.status == .ok)
        #expect(try rig.store.events(kind: .resultAccepted).count == 2)
    }

    @Test("A status this coordinator does not know, or one that ends no attempt, is a failed attempt that names the word",
          arguments: ["stopped", "pruned", "running", "pending"])
    func unknownStatus(word: String) throws {
        let rig = try Rig(seeds: 1)
        try rig.start()
        let w = ScriptedWorker(rig, id: "w")
        try w.ready()
        guard case .job(let a)? = try w.next() else { Issue.record("no job"); return }
        try w.channel.send(Self.frames(Self.refusal(a, reason: "from a newer build"), status: word), to: nil, timeout: nil)
        #expect(try w.next() == .ack(jobID: a.jobID, attempt: a.attempt))
        #expect(try rig.finish() == .finished)
        let job = try #require(try rig.store.job(id: a.jobID))
        #expect(job.status == .failed)
        #expect(job.error?.contains("\"\(word)\"") == true && job.error?.contains("from a newer build") == true)
    }
}
