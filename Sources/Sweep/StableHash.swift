/// Hashes that stay the same across runs, machines and Swift versions (unlike `Hasher`, which is
/// seeded per process), for job ids and the resume check.
///
/// Two 64-bit FNV-1a hashes with different offset bases, each passed through the SplitMix64
/// finaliser so every input bit reaches every output bit. Not cryptographic: a sweep has at most
/// ~10⁵ configurations, so a 48-bit id collides with probability ≈ n²/2⁴⁹ ≈ 10⁻⁵.
public enum StableHash {
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3
    static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325

    static func fnv1a(_ text: String, basis: UInt64) -> UInt64 {
        var h = basis
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* fnvPrime
        }
        return h
    }

    static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The 128-bit hash of `text` as two words.
    public static func words(_ text: String) -> (UInt64, UInt64) {
        (finalize(fnv1a(text, basis: fnvOffset)), finalize(fnv1a(text, basis: fnvOffset ^ 0x9E37_79B9_7F4A_7C15)))
    }

    /// The first `digits` (1...32) lowercase hex digits of the 128-bit hash.
    public static func hex(_ text: String, digits: Int) -> String {
        precondition((1...32).contains(digits), "StableHash.hex gives 1...32 digits")
        let (a, b) = words(text)
        func pad(_ x: UInt64) -> String {
            let s = String(x, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return String((pad(a) + pad(b)).prefix(digits))
    }
}
