import Foundation

/// Text that came from a peer (a host name, an error, a refused frame quoted in a WireError),
/// made safe for a terminal, a log file and the events table: control and invisible characters
/// become `\u{…}` escapes, so a peer can neither move the cursor, retitle the terminal nor forge
/// a log line, and the length is bounded. Printable text, backslashes included, is unchanged, so
/// escaping twice gives the same text.
enum PeerText {
    /// Characters kept before the rest is cut and counted.
    static let defaultLimit = 1024

    static func escaped(_ text: String, limit: Int = defaultLimit) -> String {
        var out = ""
        var kept = 0
        for scalar in text.unicodeScalars {
            if kept == limit {
                let rest = text.unicodeScalars.count - limit
                out += "…(\(rest) more)"
                break
            }
            kept += 1
            if isSafe(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    /// Printable: not a C0/C1 control, DEL, a format character (bidirectional overrides, zero-width
    /// joiners), a line or paragraph separator, private-use, unassigned or a surrogate.
    static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate: false
        default: true
        }
    }
}

/// A routing id as text for logs and the store: the worker id when it is printable ASCII.
enum PeerID {
    static func text(_ bytes: [UInt8]) -> String {
        if !bytes.isEmpty, bytes.count <= 128, bytes.allSatisfy({ (0x21...0x7E).contains($0) }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return "0x" + bytes.prefix(32).map { String(format: "%02x", $0) }.joined()
    }
}
