import CZeroMQ

/// CURVE key helpers: keys are 40-character Z85 strings, as `ebm-sweep keygen` prints them and
/// the socket options take them.
public enum Curve {
    /// Whether this libzmq was built with CURVE (libsodium).
    public static var isAvailable: Bool { zmq_has("curve") != 0 }

    /// A fresh long-term key pair (`zmq_curve_keypair`).
    ///
    /// - Throws: `.notSupported` when libzmq has no CURVE support.
    public static func keyPair() throws(ZMQError) -> (publicKey: String, secretKey: String) {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        try Call.runRequired("zmq_curve_keypair") { zmq_curve_keypair(&publicKey, &secretKey) }
        return (string(publicKey), string(secretKey))
    }

    /// The public key that belongs to a Z85 secret key (`zmq_curve_public`).
    ///
    /// - Throws: `.invalid` when `secretKey` is not 40 Z85 characters; `.notSupported` without CURVE.
    public static func publicKey(fromSecret secretKey: String) throws(ZMQError) -> String {
        guard isZ85Key(secretKey) else {
            throw ZMQError(code: .invalid, operation: "zmq_curve_public (secret key is not 40 Z85 characters)")
        }
        var publicKey = [CChar](repeating: 0, count: 41)
        try Call.runRequired("zmq_curve_public") { zmq_curve_public(&publicKey, secretKey) }
        return string(publicKey)
    }

    /// Whether `key` looks like a Z85-encoded 32-byte key: 40 characters of the Z85 alphabet.
    public static func isZ85Key(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        return bytes.count == 40 && bytes.allSatisfy { z85Alphabet.contains($0) }
    }

    /// Z85 text of 32 raw key bytes (as ZAP delivers CURVE credentials).
    ///
    /// - Precondition: `raw.count == 32`.
    static func z85(_ raw: [UInt8]) -> String {
        precondition(raw.count == 32, "a CURVE key is 32 bytes")
        var text = [CChar](repeating: 0, count: 41)
        _ = raw.withUnsafeBufferPointer { zmq_z85_encode(&text, $0.baseAddress, 32) }
        return string(text)
    }

    private static let z85Alphabet = Set(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    private static func string(_ chars: [CChar]) -> String {
        let bytes = chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
