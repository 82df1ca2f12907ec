import Foundation
import Store
import Testing
import TestSupport
import Wire
import ZeroMQ

/// Scripted DEALER peers speaking EBM/1 to a real coordinator process, hostile or broken in one
/// way each; each must be survived and bounded. The suites run one at a time: one of them pushes
/// 4 GB through loopback, which would starve the others' coordinators on a small machine.
@Suite("Hostile peers", .serialized)
enum HostilePeerTests {}

/// Peers that lie about what they run, never read, or keep dying on a job.
extension HostilePeerTests {
    @Suite("the protocol")
    struct ProtocolAbuse {
        @Test("A peer that never reads and heartbeats hundreds of unknown job ids does not freeze the coordinator")
        func deafPeerListingUnknownJobs() throws {
            // The deaf peer is handed the sweep's jobs, never reads them, and so loses each attempt
            // in turn: attempts enough that the sweep cannot end (all four failed) before the
            // honest worker joins to show the coordinator is not frozen.
            let coordinator = try CoordinatorUnderTest(label: "deaf", extraSpec: "max_attempts: 100")
            let context = try Context()
            let deaf = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "deaf", receiveHighWaterMark: 1)
            deaf.ready()
            let ghosts = (0..<1000).map { WorkerMessage.RunningJob(jobID: "ghost-\($0)", attempt: 1, iteration: 1, loss: 0) }
            var sent = 0
            let floodEnds = Date().addingTimeInterval(8)
            while Date() < floodEnds {
                if sent < 400 {
                    if deaf.send(.heartbeat(.init(workerID: "deaf", running: ghosts)), timeout: .milliseconds(50)) { sent += 1 }
                } else {
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
            // A worker joining now is served at once, and the coordinator still answers SIGINT.
            let honest = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "honest")
            honest.ready()
            let job = honest.nextJob(timeout: 10)
            #expect(job != nil, "a worker joining after \(sent) heartbeats of 1000 unknown ids got no job in 10 s:\n\(coordinator.process.output.suffix(2000))")
            let status = coordinator.interrupt(timeout: 5)
            #expect(status != nil, "the coordinator did not answer SIGINT within 5 s:\n\(coordinator.process.output.suffix(2000))")
            coordinator.process.signal(SIGKILL)
            let events = try SweepFixtures.events(in: coordinator.out)
            #expect(events.count < 100, "\(events.count) events")
        }

        @Test("A peer that floods and never reads is dropped once its pipe stays full; the loop never waits for it")
        func nonReaderDropped() throws {
            // A 10 s liveness: it is dropped for not reading (after 4 s), not lost for seeming silent.
            // (At a 5 s liveness a CI run lost it as silent: the coordinator read nothing from it for
            // 5 s after its 19th RESULT on a loaded machine, before the ACK pipe had filled.)
            let coordinator = try CoordinatorUnderTest(label: "nonreader", heartbeat: 2)
            let context = try Context()
            let deaf = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "deaf", receiveHighWaterMark: 1)
            deaf.ready()
            // It keeps the lease it was given (attempt 1 of some job) by listing every job as attempt 1.
            let claims = coordinator.jobIDs.map { WorkerMessage.RunningJob(jobID: $0, attempt: 1, iteration: 1, loss: 0) }
            let out = coordinator.out
            func dropped() -> Bool {
                (try? SweepFixtures.events(in: out))?.contains { $0.kind == .workerDropped && $0.worker == "deaf" } ?? false
            }
            // Each RESULT (for a job that does not exist) is answered by an ACK it never reads.
            var sent = 0
            let deadline = Date().addingTimeInterval(120)
            // A heartbeat after every 50 RESULTs, each waited in (not dropped when the pipe is busy):
            // with 500 between heartbeats a slow coordinator went 5 s without reading one and lost
            // the peer as silent before its pipe had filled, so it was never dropped as a non-reader.
            while Date() < deadline && !dropped() {
                for _ in 0..<50 where deaf.send(ScriptedPeer.result(jobID: "ghost-\(sent)", attempt: 1), timeout: .milliseconds(20)) { sent += 1 }
                deaf.send(.heartbeat(.init(workerID: "deaf", running: claims)), timeout: .seconds(1))
            }
            #expect(dropped(), "not dropped after \(sent) unread ACKs:\n\(coordinator.process.output.suffix(2000))")
            let honest = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "honest")
            honest.ready()
            #expect(honest.nextJob(timeout: 10) != nil, "a worker joining after the flood got no job in 10 s")
            #expect(coordinator.interrupt(timeout: 5) != nil)
            print("non-reader: \(sent) RESULTs sent, their ACKs never read; dropped: \(dropped())")
        }

        @Test("A peer claiming attempt 3 of every job, then silent, cannot fail jobs it was never given")
        func forgedAdoption() throws {
            let coordinator = try CoordinatorUnderTest(label: "forge")
            let context = try Context()
            let forger = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "forger")
            forger.ready(slots: 64)
            forger.heartbeat(coordinator.jobIDs.map { .init(jobID: $0, attempt: 3, iteration: 1, loss: 0) })
            Thread.sleep(forTimeInterval: 0.5)   // closing with LINGER 0 would drop what is still queued
            forger.socket.close()
            let out = coordinator.out
            let lost = ProcessHarness.poll(timeout: 15) {
                (try? SweepFixtures.events(in: out))?.contains { $0.kind == .workerLost && $0.worker == "forger" } ?? false
            }
            #expect(lost, "the forger was never declared lost:\n\(coordinator.process.output)")
            // The leases it was really given (it took jobs, then vanished) count once; its claims count nothing.
            let jobs = try #require(SweepFixtures.jobs(in: out))
            #expect(jobs.allSatisfy { $0.status == .pending && $0.attempts <= 1 },
                    "\(jobs.map { "\($0.id) \($0.status) \($0.attempts)" })")
            let honest = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "honest")
            honest.ready()
            let job = honest.nextJob()
            #expect(job.map { $0.attempt <= 2 } == true)
            _ = coordinator.interrupt(timeout: 10)
        }

        @Test("A worker that a job kills, restarted under the same name each time, ends the job failed at the attempt limit")
        func restartedWorkerCountsAttempts() throws {
            let coordinator = try CoordinatorUnderTest(label: "restart", lrs: [1e-3], seeds: [0])
            let context = try Context()
            for life in 1...3 {
                let worker = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "w")
                worker.ready(pid: 1000 + life)
                let job = worker.nextJob()
                try #require(job != nil, "life \(life) got no job:\n\(coordinator.process.output)")
                #expect(job?.attempt == life, "life \(life)")
                worker.socket.close()   // the job killed it
            }
            let last = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "w")
            last.ready(pid: 1004)
            #expect(last.nextJob(timeout: 3) == nil, "a fourth attempt was handed out")
            let status = coordinator.process.waitForExit(timeout: 30)
            #expect(status != nil, "the sweep did not end:\n\(coordinator.process.output)")
            let job = try #require(SweepFixtures.jobs(in: coordinator.out)?.first)
            #expect(job.status == .failed && job.attempts == 3, "\(job.status) after \(job.attempts) attempts")
        }

        @Test("A job its worker never reports (it cannot decode it) ends failed after the attempt limit")
        func undecodableJobsFail() throws {
            let coordinator = try CoordinatorUnderTest(label: "mute", lrs: [1e-3], seeds: [0, 1])
            let context = try Context()
            // It drops every JOB on the floor, as a worker that cannot decode it, and heartbeats on.
            let mute = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "mute")
            mute.ready()
            var handedOut = 0
            let deadline = Date().addingTimeInterval(40)
            while coordinator.process.isRunning && Date() < deadline && handedOut < 50 {
                mute.heartbeat()
                if case .job? = mute.next(timeout: 0.05) { handedOut += 1 }
            }
            let status = coordinator.process.waitForExit(timeout: 10)
            #expect(status != nil, "the sweep did not end after \(handedOut) JOBs:\n\(coordinator.process.output.suffix(3000))")
            let jobs = try #require(SweepFixtures.jobs(in: coordinator.out))
            #expect(jobs.allSatisfy { $0.status == .failed && $0.attempts == 3 }, "\(jobs.map { "\($0.status) \($0.attempts)" })")
            #expect(handedOut == 6)
            #expect(jobs.allSatisfy { ($0.error ?? "").contains("never reported") }, "\(jobs.map { $0.error ?? "-" })")
        }

        @Test("A worker turning JOBs away as busy costs no attempt, and gets no other JOB before its next heartbeat")
        func busyRefusalsPaced() throws {
            let coordinator = try CoordinatorUnderTest(label: "busy", lrs: [1e-3], seeds: [0], heartbeat: 1)
            let context = try Context()
            let busy = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "busy")
            busy.ready()
            for round in 1...4 {
                guard case .job(let a)? = busy.next(timeout: 5) else { Issue.record("round \(round): no JOB"); return }
                #expect(a.attempt == 1, "round \(round)")
                busy.send(ScriptedPeer.result(jobID: a.jobID, attempt: a.attempt, status: .cancelled, error: "worker busy"),
                          timeout: .seconds(1))
                // Turned away: nothing more until it heartbeats (it used to come back at once, for ever).
                let early = busy.next(timeout: 1)
                #expect(early == .ack(jobID: a.jobID, attempt: 1), "round \(round): \(String(describing: early))")
                #expect(busy.next(timeout: 0.5) == nil, "round \(round): a JOB before the next heartbeat")
                busy.heartbeat()
            }
            let job = try #require(SweepFixtures.jobs(in: coordinator.out)?.first)
            #expect(job.attempts <= 1 && job.status != .failed, "\(job.status) after \(job.attempts) attempts")
            #expect(coordinator.interrupt(timeout: 10) != nil)
        }
    }
}
