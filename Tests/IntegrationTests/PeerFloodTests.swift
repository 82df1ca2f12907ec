import EBMCore
import Foundation
import Store
import Testing
import TestSupport
import Wire
import ZeroMQ

/// Peers that flood: big RESULTs, many RESULTs, control bytes. What one peer can make the
/// coordinator hold in memory, write to its log and store in its events table is bounded.
extension HostilePeerTests {
    @Suite("floods")
    struct Floods {
        @Test("80 RESULTs of 51 MB from a peer holding no lease keep the coordinator's memory bounded")
        func bigResults() throws {
            // Its heartbeats queue behind 53 MB messages: a liveness of 10 s, not 1 s, keeps it registered.
            let coordinator = try CoordinatorUnderTest(label: "big", heartbeat: 2)
            let context = try Context()
            let peer = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "big", sendHighWaterMark: 1)
            peer.ready()
            let payload = ResultPayload(checkpoint: [UInt8](repeating: 7, count: WireLimits.maxCheckpointBytes),
                                        samples: Matrix(rows: 1, columns: 2),
                                        lossHistory: [Double](repeating: 0.5, count: 400_000))
            var frames = Codec.encode(ScriptedPeer.result(jobID: coordinator.jobIDs[0], attempt: 1, payload: payload))
            let megabytes = Double(frames.reduce(0) { $0 + $1.count }) / 1e6
            var sent = 0
            for i in 0..<80 where coordinator.process.isRunning {
                // Attempt 2 was never issued: every one of these is refused.
                frames[2] = Codec.encode(ScriptedPeer.result(jobID: coordinator.jobIDs[i % 4], attempt: 2))[2]
                peer.drain()
                peer.heartbeatHeld()
                if peer.send(frames: frames, timeout: .seconds(30)) { sent += 1 }
            }
            // Every RESULT answered: the coordinator has read them all; then its peak.
            let settled = ProcessHarness.poll(timeout: 120) { peer.drain(); peer.heartbeatHeld(); return peer.acks >= sent }
            let peak = coordinator.peakMemoryMiB
            print("big results: sent \(sent) RESULTs of \(String(format: "%.1f", megabytes)) MB; coordinator peak \(peak.map { String(format: "%.0f", $0) } ?? "?") MiB")
            #expect(sent == 80)
            #expect(settled, "\(peer.acks) ACKs for \(sent) RESULTs")
            let peakMiB = try #require(peak)
            #expect(peakMiB < 600, "coordinator peaked at \(peakMiB) MiB")
            #expect(coordinator.interrupt(timeout: 10) != nil)
            #expect(try SweepFixtures.results(in: coordinator.out).isEmpty)
        }

        @Test("20 000 RESULTs for unknown jobs: the log and the events table grow by a bounded amount")
        func resultFlood() throws {
            // A 5 s liveness: its heartbeats queue behind thousands of RESULTs on a busy machine.
            // Attempts enough that the sweep's jobs, held by this peer, cannot all fail (and the
            // coordinator finish) while it floods: if a loaded machine makes the peer fall behind,
            // the coordinator may drop it, and it must still be there to count the rest.
            let coordinator = try CoordinatorUnderTest(label: "noisy", extraSpec: "max_attempts: 100", heartbeat: 1)
            let context = try Context()
            let peer = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "noisy")
            peer.ready()
            let count = 20_000
            var sent = 0
            let deadline = Date().addingTimeInterval(240)
            while sent < count && Date() < deadline && coordinator.process.isRunning {
                if peer.send(ScriptedPeer.result(jobID: "ghost-\(sent)", attempt: 1), timeout: .milliseconds(100)) { sent += 1 }
                peer.drain()
                if sent % 100 == 0 { peer.heartbeatHeld() }
            }
            // Answered while the peer stays registered; once it is dropped, refused unanswered. Wait
            // until every RESULT is answered or the answers stop for 10 s.
            var lastAcks = -1, lastChange = Date()
            _ = ProcessHarness.poll(timeout: 120) {
                peer.drain(); peer.heartbeatHeld()
                if peer.acks != lastAcks { lastAcks = peer.acks; lastChange = Date() }
                return peer.acks >= count || Date().timeIntervalSince(lastChange) > 10
            }
            let running = coordinator.process.isRunning
            #expect(coordinator.interrupt(timeout: 10) != nil)
            let events = try SweepFixtures.events(in: coordinator.out)
            let log = coordinator.process.output
            print("result flood: \(sent) RESULTs, \(peer.acks) answered → \(events.count) events, \(log.utf8.count) bytes of log")
            #expect(sent == count && running, "sent \(sent); coordinator running: \(running)\n\(log.suffix(3000))")
            // Every RESULT reached the coordinator and was refused (its closing line counts them,
            // answered or not): the bounds below are about all 20 000.
            let refused = log.firstMatch(of: /refused (\d+) results?/).flatMap { Int($0.1) }
            #expect(refused == count, "refused \(refused.map(String.init) ?? "?") of \(count)\n\(log.suffix(2000))")
            #expect(events.count < 200, "\(events.count) events")
            #expect(log.utf8.count < 32_768, "\(log.utf8.count) bytes of log")
            #expect(log.contains("suppressed"), "no count of what was suppressed:\n\(log.suffix(2000))")
        }

        @Test("Control bytes from a peer reach neither the terminal nor the events table")
        func controlBytesEscaped() throws {
            let coordinator = try CoordinatorUnderTest(label: "escape")
            let context = try Context()
            let peer = try ScriptedPeer(context, endpoint: coordinator.endpoint, name: "esc")
            let clear = "\u{1B}[2J\u{1B}[31m"
            // Not EBM/1: the refusal quotes the protocol frame.
            peer.send(frames: [Array((clear + "EVIL").utf8), Array("READY".utf8), Array("{}".utf8)], timeout: .seconds(1))
            // A host name with a newline forges a log line.
            peer.ready(host: "box\nFORGED worker root joined")
            _ = peer.next(timeout: 1)
            // A metric name with escapes is refused, naming the field.
            var header = String(decoding: Codec.encode(ScriptedPeer.result(jobID: coordinator.jobIDs[0], attempt: 1))[2], as: UTF8.self)
            header = header.replacingOccurrences(of: "\"kde_nll\"", with: "\"\\u001b]0;pwned\\u0007\\u001b[2J\"")
            var frames = Codec.encode(ScriptedPeer.result(jobID: coordinator.jobIDs[0], attempt: 1))
            frames[2] = Array(header.utf8)
            peer.send(frames: frames, timeout: .seconds(1))
            // A refused result's error text with a newline and a tab.
            peer.send(ScriptedPeer.result(jobID: "ghost", attempt: 1, status: .failed, error: "bad\nFORGED line\tx"), timeout: .seconds(1))
            Thread.sleep(forTimeInterval: 1.5)
            #expect(coordinator.interrupt(timeout: 10) != nil)
            let log = coordinator.process.output
            #expect(!log.utf8.contains(0x1B), "an escape byte reached the terminal:\n\(log)")
            #expect(!log.split(separator: "\n").contains { $0.hasPrefix("FORGED") }, "a forged log line:\n\(log)")
            for event in try SweepFixtures.events(in: coordinator.out) {
                let text = [event.detail, event.worker, event.jobID].compactMap { $0 }.joined()
                #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                        "event \(event.kind.rawValue) stores control characters: \(text.debugDescription)")
            }
        }
    }
}
