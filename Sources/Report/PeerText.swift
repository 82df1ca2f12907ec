import Foundation

/// Text that came from a peer (a host name, an error, a refused frame quoted in a WireError),
/// made safe for a terminal, a log file and the events table: control and invisible characters
/// become `\u{…}` escapes, so a peer can neither move the cursor, retitle the terminal nor forge
/// a log line, and the length is bounded. Printable text, backslashes included, is unchanged, so
/// escaping twice gives the same text.
public enum PeerText {
    /// Characters kept before the rest is cut and counted.
    public static let defaultLimit = 1024

    public static func escaped(_ text: String, limit: Int = defaultLimit) -> String {
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
    public static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate: false
        default: true
        }
    }
}
