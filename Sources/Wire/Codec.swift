import EBMCore
import Foundation

/// Messages ↔ frames, `["EBM/1", TYPE, header-JSON, payload?]` (see `Protocol.swift`).
///
/// Decoding trusts nothing: frame count, protocol, type, sizes, JSON shape, every field's range
/// and the payload's container are checked, in that order, and the first failure is thrown as a
/// `WireError` whose code says which stage refused it. Decoding never traps on any input.
/// Encoding does not validate (call `validate()` on values from outside before sending).
public enum Codec {
    // MARK: Encoding

    public static func encode(_ message: WorkerMessage) -> [[UInt8]] {
        switch message {
        case .ready(let r): frames(.ready, r)
        case .heartbeat(let h): frames(.heartbeat, h)
        case .progress(let p): frames(.progress, p)
        case .rung(let r): frames(.rung, r)
        case .result(let r): frames(.result, r, payload: r.payload.encoded())
        case .bye(let id): frames(.bye, WorkerIDHeader(workerID: id))
        }
    }

    public static func encode(_ message: CoordinatorMessage) -> [[UInt8]] {
        switch message {
        case .job(let a): frames(.job, a)
        case .cancel(let id): frames(.cancel, JobIDHeader(jobID: id))
        case .heartbeat: frames(.heartbeat, EmptyHeader())
        case .ack(let id, let attempt): frames(.ack, AttemptHeader(jobID: id, attempt: attempt))
        case .shutdown: frames(.shutdown, EmptyHeader())
        }
    }

    // MARK: Decoding

    /// Decodes what a worker sent. - Throws: `WireError`; never traps.
    public static func decode(_ frames: [[UInt8]], as _: WorkerMessage.Type = WorkerMessage.self)
        throws(WireError) -> WorkerMessage {
        let message = try decodeHeader(frames)
        guard case .result(var report) = message else { return message }
        report.payload = try decodeResultPayload(frames)
        let whole = WorkerMessage.result(report)
        try whole.validate()
        return whole
    }

    /// Decodes and validates what a worker sent, except a RESULT's payload, which is left unread
    /// (empty): the coordinator decides from the header whether it wants the result, and reads
    /// megabytes (`decodeResultPayload`) only for one it keeps. - Throws: `WireError`; never traps.
    public static func decodeHeader(_ frames: [[UInt8]]) throws(WireError) -> WorkerMessage {
        let (type, header, _) = try envelope(frames, allowed: workerTypes)
        let message: WorkerMessage
        switch type {
        case .ready: message = .ready(try json(header))
        case .heartbeat: message = .heartbeat(try json(header))
        case .progress: message = .progress(try json(header))
        case .rung: message = .rung(try json(header))
        case .bye: message = .bye(workerID: try json(header, as: WorkerIDHeader.self).workerID)
        case .result: message = .result(try json(header))
        default: throw WireError(.unknownType, "\(type.rawValue) is not a worker message")
        }
        try message.validate()
        return message
    }

    /// The payload of a RESULT whose frames passed `decodeHeader`. - Throws: `WireError`.
    public static func decodeResultPayload(_ frames: [[UInt8]]) throws(WireError) -> ResultPayload {
        try ResultPayload(decoding: frames.count == WireLimits.maxFrames ? frames[3] : [])
    }

    /// Decodes what the coordinator sent. - Throws: `WireError`; never traps.
    public static func decode(_ frames: [[UInt8]], as _: CoordinatorMessage.Type = CoordinatorMessage.self)
        throws(WireError) -> CoordinatorMessage {
        let (type, header, _) = try envelope(frames, allowed: coordinatorTypes)
        let message: CoordinatorMessage
        switch type {
        case .job: message = .job(try json(header))
        case .cancel: message = .cancel(jobID: try json(header, as: JobIDHeader.self).jobID)
        case .heartbeat: _ = try json(header, as: EmptyHeader.self); message = .heartbeat
        case .ack:
            let h = try json(header, as: AttemptHeader.self)
            message = .ack(jobID: h.jobID, attempt: h.attempt)
        case .shutdown: _ = try json(header, as: EmptyHeader.self); message = .shutdown
        default: throw WireError(.unknownType, "\(type.rawValue) is not a coordinator message")
        }
        try message.validate()
        return message
    }

    static let workerTypes: Set<WireProtocol.MessageType> = [.ready, .heartbeat, .progress, .rung, .result, .bye]
    static let coordinatorTypes: Set<WireProtocol.MessageType> = [.job, .cancel, .heartbeat, .ack, .shutdown]

    /// Frame-level checks: count, protocol, type, sizes. Returns the type, header and payload.
    static func envelope(_ frames: [[UInt8]], allowed: Set<WireProtocol.MessageType>)
        throws(WireError) -> (WireProtocol.MessageType, [UInt8], [UInt8]?) {
        guard frames.count <= WireLimits.maxFrames else {
            throw WireError(.tooLarge, "\(frames.count) frames, a message has at most \(WireLimits.maxFrames)")
        }
        guard frames.count >= 3 else {
            throw WireError(.wrongFrameCount, "\(frames.count) frames, a message has at least 3 (protocol, type, header)")
        }
        guard frames[0] == WireProtocol.versionBytes else {
            let shown = String(decoding: frames[0].prefix(16), as: UTF8.self)
            throw WireError(.badProtocol, "protocol frame is \"\(shown)\", expected \(WireProtocol.version); is the peer an ebm-sweep of the same version?")
        }
        guard frames[1].count <= 16,
              let type = WireProtocol.MessageType(rawValue: String(decoding: frames[1], as: UTF8.self)),
              allowed.contains(type)
        else {
            throw WireError(.unknownType, "type \"\(String(decoding: frames[1].prefix(16), as: UTF8.self))\" is not expected here")
        }
        guard frames[2].count <= WireLimits.maxHeaderBytes else {
            throw WireError(.tooLarge, "header is \(frames[2].count) bytes, the limit is \(WireLimits.maxHeaderBytes)")
        }
        let wantsPayload = type == .result
        guard frames.count == (wantsPayload ? 4 : 3) else {
            throw WireError(.wrongFrameCount, "\(type.rawValue) takes \(wantsPayload ? 4 : 3) frames, got \(frames.count)")
        }
        if wantsPayload, frames[3].count > WireLimits.maxPayloadBytes {
            throw WireError(.tooLarge, "payload is \(frames[3].count) bytes, the limit is \(WireLimits.maxPayloadBytes)")
        }
        return (type, frames[2], wantsPayload ? frames[3] : nil)
    }

    // MARK: JSON

    /// Non-finite numbers travel as these strings: JSON has no NaN or infinity.
    static let nonFinite = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    private static func frames<H: Encodable>(_ type: WireProtocol.MessageType, _ header: H,
                                             payload: [UInt8]? = nil) -> [[UInt8]] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        let json: Data
        do { json = try encoder.encode(header) } catch {
            // Only non-conforming floats can fail here, and the strategy above covers them.
            preconditionFailure("header of \(type.rawValue) is not encodable: \(error)")
        }
        var result = [WireProtocol.versionBytes, Array(type.rawValue.utf8), [UInt8](json)]
        if let payload { result.append(payload) }
        return result
    }

    private static func json<H: Decodable>(_ bytes: [UInt8], as _: H.Type = H.self) throws(WireError) -> H {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        do {
            return try decoder.decode(H.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw headerError(error)
        } catch {
            throw WireError(.malformedHeader, "header is not valid JSON: \(error)")
        }
    }

    private static func headerError(_ error: DecodingError) -> WireError {
        func path(_ keys: [any CodingKey]) -> String? {
            keys.isEmpty ? nil : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return WireError(.malformedHeader, "missing key \"\(key.stringValue)\"",
                             field: path(context.codingPath + [key]))
        case .typeMismatch(let type, let context):
            return WireError(.malformedHeader, "expected \(type)", field: path(context.codingPath))
        case .valueNotFound(let type, let context):
            return WireError(.malformedHeader, "expected \(type), got null", field: path(context.codingPath))
        case .dataCorrupted(let context):
            return WireError(.malformedHeader, context.debugDescription, field: path(context.codingPath))
        @unknown default:
            return WireError(.malformedHeader, "\(error)")
        }
    }
}
