import EBMCore
import Foundation
import Sweep
import Testing
@testable import Wire

/// Messages per round-trip test: enough to hit every type and many edge values, fast in debug.
let roundTripCount = 500

@Suite("Codec")
struct CodecTests {
    @Test("decode(encode(m)) == m for random worker messages of every type", arguments: [1, 2, 3] as [UInt64])
    func workerRoundTrip(seed: UInt64) throws {
        var gen = MessageGenerator(seed: seed)
        var seen = Set<String>()
        for _ in 0..<roundTripCount {
            let m = gen.workerMessage()
            seen.insert(m.type.rawValue)
            let frames = Codec.encode(m)
            #expect(frames[0] == Array("EBM/1".utf8))
            #expect(frames.count == (m.type == .result ? 4 : 3))
            let decoded = try Codec.decode(frames, as: WorkerMessage.self)
            #expect(decoded == m)
        }
        #expect(seen == ["READY", "HEARTBEAT", "PROGRESS", "RUNG", "RESULT", "BYE"])
    }

    @Test("decode(encode(m)) == m for random coordinator messages of every type", arguments: [1, 2, 3] as [UInt64])
    func coordinatorRoundTrip(seed: UInt64) throws {
        var gen = MessageGenerator(seed: seed)
        var seen = Set<String>()
        for _ in 0..<roundTripCount {
            let m = gen.coordinatorMessage()
            seen.insert(m.type.rawValue)
            #expect(try Codec.decode(Codec.encode(m), as: CoordinatorMessage.self) == m)
        }
        #expect(seen == ["JOB", "CANCEL", "HEARTBEAT", "ACK", "SHUTDOWN"])
    }

    @Test("non-finite numbers travel as the strings nan, inf and -inf")
    func nonFiniteNumbers() throws {
        let m = WorkerMessage.progress(.init(jobID: "j", attempt: 1, iteration: 2, loss: .nan))
        let header = String(decoding: Codec.encode(m)[2], as: UTF8.self)
        #expect(header.contains("\"loss\":\"nan\""))
        let report = ResultReport(jobID: "j", attempt: 0, status: .diverged,
                                  metrics: ["a": .infinity, "b": -.infinity], seconds: 1, secondsPerIteration: 0.1)
        let text = String(decoding: Codec.encode(.result(report))[2], as: UTF8.self)
        #expect(text.contains("\"a\":\"inf\"") && text.contains("\"b\":\"-inf\""))
        let back = try Codec.decode(Codec.encode(.result(report)), as: WorkerMessage.self)
        guard case .result(let r) = back else { Issue.record("not a result"); return }
        #expect(r.metrics["a"] == .infinity && r.metrics["b"] == -.infinity)
    }

    @Test("decodeHeader reads a RESULT's header and leaves its payload unread; decodeResultPayload reads it")
    func headerBeforePayload() throws {
        let payload = ResultPayload(checkpoint: [1, 2, 3], samples: Matrix(rows: 1, columns: 2), lossHistory: [0.5])
        let report = ResultReport(jobID: "j", attempt: 1, status: .ok, metrics: ["kde_nll": 1], seconds: 1,
                                  secondsPerIteration: 0.1, payload: payload)
        var frames = Codec.encode(.result(report))
        guard case .result(let header)? = try? Codec.decodeHeader(frames) else { Issue.record("not a result"); return }
        #expect(header.jobID == "j" && header.payload == ResultPayload())
        #expect(try Codec.decodeResultPayload(frames) == payload)
        // A broken payload does not stop the header from being read (to refuse it cheaply)...
        frames[3] = Array(frames[3].prefix(20))
        #expect((try? Codec.decodeHeader(frames)) != nil)
        // ...and is refused when read, or when the whole message is decoded.
        let partial = #expect(throws: WireError.self) { _ = try Codec.decodeResultPayload(frames) }
        #expect(partial?.code == .malformedPayload)
        let whole = #expect(throws: WireError.self) { _ = try Codec.decode(frames, as: WorkerMessage.self) }
        #expect(whole?.code == .malformedPayload)
    }

    /// Hand-made frames that must be refused, and the code each must be refused with.
    static let refusals: [(String, [[UInt8]], WireError.Code)] = {
        func f(_ parts: String...) -> [[UInt8]] { parts.map { Array($0.utf8) } }
        return [
            ("no frames", [], .wrongFrameCount),
            ("two frames", f("EBM/1", "BYE"), .wrongFrameCount),
            ("five frames", f("EBM/1", "BYE", "{}", "", ""), .tooLarge),
            ("old version", f("EBM/0", "BYE", #"{"worker_id":"w"}"#), .badProtocol),
            ("coordinator type from a worker", f("EBM/1", "JOB", "{}"), .unknownType),
            ("lower-case type", f("EBM/1", "bye", #"{"worker_id":"w"}"#), .unknownType),
            ("payload on BYE", f("EBM/1", "BYE", #"{"worker_id":"w"}"#, ""), .wrongFrameCount),
            ("RESULT without payload", f("EBM/1", "RESULT", "{}"), .wrongFrameCount),
            ("not JSON", f("EBM/1", "BYE", "{worker_id"), .malformedHeader),
            ("array header", f("EBM/1", "BYE", "[]"), .malformedHeader),
            ("missing key", f("EBM/1", "BYE", "{}"), .malformedHeader),
            ("wrong type", f("EBM/1", "BYE", #"{"worker_id":7}"#), .malformedHeader),
            ("empty id", f("EBM/1", "BYE", #"{"worker_id":""}"#), .invalidField),
            ("unsafe id", f("EBM/1", "BYE", #"{"worker_id":"../etc/passwd"}"#), .invalidField),
            ("long id", f("EBM/1", "BYE", #"{"worker_id":"\#(String(repeating: "a", count: 129))"}"#), .tooLarge),
            ("negative slots", f("EBM/1", "READY", #"{"worker_id":"w","host":"h","pid":3,"slots":-1,"build":"b"}"#), .invalidField),
            ("control character in host", f("EBM/1", "READY", #"{"worker_id":"w","host":"h\u001b[2J","pid":3,"slots":1,"build":"b"}"#), .invalidField),
            ("fractional attempt", f("EBM/1", "PROGRESS", #"{"job_id":"j","attempt":1.5,"iteration":0,"loss":0}"#), .malformedHeader),
            ("huge attempt", f("EBM/1", "PROGRESS", #"{"job_id":"j","attempt":1e30,"iteration":0,"loss":0}"#), .malformedHeader),
            ("attempt out of range", f("EBM/1", "PROGRESS", #"{"job_id":"j","attempt":100000,"iteration":0,"loss":0}"#), .invalidField),
            ("negative seconds", f("EBM/1", "RESULT", #"{"job_id":"j","attempt":0,"status":"ok","metrics":{},"seconds":-1,"seconds_per_iteration":0}"#, ""), .invalidField),
            ("status that is no word", f("EBM/1", "RESULT", #"{"job_id":"j","attempt":0,"status":"great job!","metrics":{},"seconds":1,"seconds_per_iteration":0}"#, ""), .malformedHeader),
            ("status that is no string", f("EBM/1", "RESULT", #"{"job_id":"j","attempt":0,"status":3,"metrics":{},"seconds":1,"seconds_per_iteration":0}"#, ""), .malformedHeader),
            ("empty payload", f("EBM/1", "RESULT", #"{"job_id":"j","attempt":0,"status":"ok","metrics":{},"seconds":1,"seconds_per_iteration":0}"#, ""), .malformedPayload),
            ("RUNG at iteration 0", f("EBM/1", "RUNG", #"{"job_id":"j","attempt":1,"iteration":0,"metric":2,"escaped":0}"#), .invalidField),
            ("RUNG escaped above 1", f("EBM/1", "RUNG", #"{"job_id":"j","attempt":1,"iteration":100,"metric":2,"escaped":1.5}"#), .invalidField),
            ("RUNG escaped nan", f("EBM/1", "RUNG", #"{"job_id":"j","attempt":1,"iteration":100,"metric":2,"escaped":"nan"}"#), .invalidField),
            ("RUNG without metric", f("EBM/1", "RUNG", #"{"job_id":"j","attempt":1,"iteration":100,"escaped":0}"#), .malformedHeader),
            ("oversized header", [Array("EBM/1".utf8), Array("BYE".utf8), [UInt8](repeating: 32, count: WireLimits.maxHeaderBytes + 1)], .tooLarge),
        ]
    }()

    @Test("malformed frames are refused with the right code", arguments: 0..<refusals.count)
    func refusal(index: Int) {
        let (name, frames, code) = Self.refusals[index]
        let error = #expect(throws: WireError.self, "\(name)") { _ = try Codec.decode(frames, as: WorkerMessage.self) }
        #expect(error?.code == code, "\(name): \(String(describing: error))")
    }

    @Test("a RESULT status that ends no attempt in this build decodes as failed, its error naming the word",
          arguments: ["stopped", "pending", "running"])
    func unknownResultStatus(word: String) throws {
        let report = ResultReport(jobID: "j", attempt: 1, status: .ok, metrics: [:], error: "why", seconds: 1, secondsPerIteration: 0)
        var frames = Codec.encode(.result(report))
        frames[2] = Array(String(decoding: frames[2], as: UTF8.self)
            .replacingOccurrences(of: #""status":"ok""#, with: #""status":"\#(word)""#).utf8)
        guard case .result(let back) = try Codec.decode(frames, as: WorkerMessage.self) else { Issue.record("not a result"); return }
        #expect(back.status == .failed)
        #expect(back.error == "the worker reported status \"\(word)\", which ends no attempt in this build: why")
        // A sender's own mistake is caught before sending.
        var waiting = report
        waiting.status = RunStatus(rawValue: word) ?? .pending
        let error = #expect(throws: WireError.self) { try WorkerMessage.result(waiting).validate() }
        #expect(error?.field == "status")
    }

    @Test("a JOB's rungs must ascend below its iterations, at most 64 of them, with a valid evaluation",
          arguments: [([100, 100], "rungs.iterations[1]"), ([0], "rungs.iterations[0]"), ([900], "rungs.iterations[0]"),
                      (Array(1...65), "rungs.iterations"), ([100], "rungs.evaluation.samples")])
    func invalidRungs(iterations: [Int], field: String) throws {
        var config = TrainingConfig.defaults(for: .ml)
        config.iterations = 900
        var cheap = EvaluationConfig.defaults(for: .ml)
        if field.hasPrefix("rungs.evaluation") { cheap.samples = 0 }
        let rungs = CoordinatorMessage.Assignment.Rungs(iterations: iterations, evaluation: cheap, metric: .kdeNLL)
        let frames = Codec.encode(.job(.init(jobID: "j", attempt: 1, config: config, evaluation: .defaults(for: .ml), rungs: rungs)))
        let error = #expect(throws: WireError.self) { _ = try Codec.decode(frames, as: CoordinatorMessage.self) }
        #expect(error?.field == field, "\(String(describing: error))")
    }

    @Test("a JOB whose config fails EBMCore's validation is refused and names the key")
    func invalidConfig() throws {
        var gen = MessageGenerator(seed: 9)
        var config = gen.config()
        config.lr = -1
        let frames = Codec.encode(.job(.init(jobID: "j", attempt: 0, config: config,
                                             evaluation: .defaults(for: config.method))))
        let error = #expect(throws: WireError.self) { _ = try Codec.decode(frames, as: CoordinatorMessage.self) }
        #expect(error?.code == .invalidField)
        #expect(error?.field == "config.lr")
    }

    @Test("the payload container round-trips exactly and checks its lengths")
    func payloadContainer() throws {
        var gen = MessageGenerator(seed: 5)
        for _ in 0..<50 {
            let p = gen.payload()
            let bytes = p.encoded()
            #expect(try ResultPayload(decoding: bytes) == p)
            if bytes.count > ResultPayload.headerSize {
                #expect(throws: WireError.self) { _ = try ResultPayload(decoding: Array(bytes.dropLast())) }
                #expect(throws: WireError.self) { _ = try ResultPayload(decoding: bytes + [0]) }
            }
        }
        var lying = ResultPayload().encoded()
        lying[23] = 0x7F  // a sample count near 2^63, far beyond the limit, with no data behind it
        let error = #expect(throws: WireError.self) { _ = try ResultPayload(decoding: lying) }
        #expect(error?.code == .tooLarge)
        var newer = ResultPayload().encoded()
        newer[4] = 2
        #expect((try? ResultPayload(decoding: newer)) == nil)
    }
}
