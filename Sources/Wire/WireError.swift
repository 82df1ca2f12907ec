/// A message that cannot be decoded or does not validate. The receiver counts it by `code` and
/// drops it (docs/design.md, "Wire protocol"): a `WireError` is never fatal.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, CaseIterable, Sendable {
        /// Frame 0 is not "EBM/1": another program or another protocol version.
        case badProtocol
        /// Fewer or more frames than the message type takes.
        case wrongFrameCount
        /// Frame 1 names no message type of this direction.
        case unknownType
        /// The header is not a JSON object of the expected shape (syntax, missing key, wrong type).
        case malformedHeader
        /// A header value is out of range or unsafe (an id with odd characters, a negative count).
        case invalidField
        /// The RESULT payload's binary container is truncated, inconsistent or of an unknown version.
        case malformedPayload
        /// A frame, a list or a string exceeds `WireLimits`.
        case tooLarge
    }

    public var code: Code
    /// What was wrong and, where it helps, how to fix it.
    public var message: String
    /// The header key path (`metrics.kde_nll`, `config.lr`) when one field is at fault.
    public var field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String {
        if let field { return "\(code.rawValue): \(field): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
