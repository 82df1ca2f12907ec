/// The one byte order of every binary format the project writes: checkpoints, the RESULT payload
/// on the wire and the store's blobs of doubles. Integers are little-endian; a double travels as
/// its IEEE 754 bit pattern in 8 such bytes (a float in 4), so every value, NaN payloads and
/// infinities included, reads back bit-exact on any machine.
public enum LittleEndian {
    public static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Each value as 8 bytes.
    public static func append(_ values: some Sequence<Double>, to bytes: inout [UInt8]) {
        for value in values { append(value.bitPattern, to: &bytes) }
    }

    /// `values` as 8 bytes each.
    public static func bytes(_ values: [Double]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 * values.count)
        append(values, to: &out)
        return out
    }

    /// - Precondition: `offset + T.bitWidth / 8 <= bytes.count` (callers check lengths first).
    public static func read<T: FixedWidthInteger>(_: T.Type, from bytes: [UInt8], at offset: Int) -> T {
        precondition(offset >= 0 && offset + T.bitWidth / 8 <= bytes.count, "read past the end of the bytes")
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    /// `count` doubles of 8 bytes from `offset`.
    /// - Precondition: `offset + 8 * count <= bytes.count`.
    public static func doubles(_ bytes: [UInt8], at offset: Int = 0, count: Int) -> [Double] {
        precondition(offset >= 0 && count >= 0 && offset + 8 * count <= bytes.count, "read past the end of the bytes")
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { i in
                Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8 * i, as: UInt64.self)))
            }
        }
    }
}
