import Foundation

/// A routing id as text for logs and the store: the worker id when it is printable ASCII.
enum PeerID {
    static func text(_ bytes: [UInt8]) -> String {
        if !bytes.isEmpty, bytes.count <= 128, bytes.allSatisfy({ (0x21...0x7E).contains($0) }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return "0x" + bytes.prefix(32).map { String(format: "%02x", $0) }.joined()
    }
}
