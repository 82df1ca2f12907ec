import EBMCore

/// The RESULT payload's binary container, version 1. All integers little-endian:
///
///     offset  size  field
///          0     4  magic "EBMP"
///          4     2  version (1)
///          6     2  reserved, 0
///          8     8  checkpoint byte count   c
///         16     8  sample rows             n
///         24     8  sample columns          k   (2, or 0 when n = 0)
///         32     8  loss history count      h
///         40     c  checkpoint bytes
///             8·n·k samples, row-major IEEE-754 binary64
///               8·h loss history, binary64
///
/// The frame must end exactly after the history. Doubles travel as bit patterns, so NaN and
/// infinities (a diverged run's samples) arrive unchanged. Every count is checked against
/// `WireLimits` before anything is allocated.
extension ResultPayload {
    static let magic: [UInt8] = Array("EBMP".utf8)
    static let formatVersion: UInt16 = 1
    static let headerSize = 40

    /// The container's bytes.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.headerSize + checkpoint.count + 8 * (samples.count + lossHistory.count))
        out += Self.magic
        LittleEndian.append(Self.formatVersion, to: &out)
        LittleEndian.append(UInt16(0), to: &out)
        LittleEndian.append(UInt64(checkpoint.count), to: &out)
        LittleEndian.append(UInt64(samples.rows), to: &out)
        LittleEndian.append(UInt64(samples.columns), to: &out)
        LittleEndian.append(UInt64(lossHistory.count), to: &out)
        out += checkpoint
        LittleEndian.append(samples.storage, to: &out)
        LittleEndian.append(lossHistory, to: &out)
        return out
    }

    /// Reads a container, checking the magic, the version, every count and the exact length.
    ///
    /// - Throws: `.tooLarge` for counts beyond `WireLimits`, `.malformedPayload` otherwise.
    public init(decoding bytes: [UInt8]) throws(WireError) {
        guard bytes.count <= WireLimits.maxPayloadBytes else {
            throw WireError(.tooLarge, "payload is \(bytes.count) bytes, the limit is \(WireLimits.maxPayloadBytes)")
        }
        guard bytes.count >= Self.headerSize else {
            throw WireError(.malformedPayload, "payload is \(bytes.count) bytes, shorter than its \(Self.headerSize)-byte header")
        }
        guard Array(bytes[0..<4]) == Self.magic else {
            throw WireError(.malformedPayload, "payload does not start with EBMP")
        }
        let version = LittleEndian.read(UInt16.self, from: bytes, at: 4)
        guard version == Self.formatVersion, bytes[6] == 0, bytes[7] == 0 else {
            throw WireError(.malformedPayload, "payload format version \(version) is not \(Self.formatVersion); upgrade the older side")
        }
        let c = LittleEndian.read(UInt64.self, from: bytes, at: 8), n = LittleEndian.read(UInt64.self, from: bytes, at: 16)
        let k = LittleEndian.read(UInt64.self, from: bytes, at: 24), h = LittleEndian.read(UInt64.self, from: bytes, at: 32)
        guard c <= UInt64(WireLimits.maxCheckpointBytes) else {
            throw WireError(.tooLarge, "checkpoint of \(c) bytes exceeds \(WireLimits.maxCheckpointBytes)")
        }
        guard n <= UInt64(WireLimits.maxSamples) else {
            throw WireError(.tooLarge, "\(n) samples exceed \(WireLimits.maxSamples)")
        }
        guard k == 2 || (k == 0 && n == 0) else {
            throw WireError(.malformedPayload, "samples have \(k) columns; they must have 2")
        }
        guard h <= UInt64(WireLimits.maxHistory) else {
            throw WireError(.tooLarge, "loss history of \(h) entries exceeds \(WireLimits.maxHistory)")
        }
        // All four are bounded above, so these products and sums cannot overflow.
        let checkpointCount = Int(c), sampleCount = Int(n * k), historyCount = Int(h)
        let expected = Self.headerSize + checkpointCount + 8 * (sampleCount + historyCount)
        guard bytes.count == expected else {
            throw WireError(.malformedPayload, "payload is \(bytes.count) bytes, its counts say \(expected)")
        }
        var offset = Self.headerSize
        checkpoint = Array(bytes[offset..<offset + checkpointCount])
        offset += checkpointCount
        let sampleValues = LittleEndian.doubles(bytes, at: offset, count: sampleCount)
        offset += 8 * sampleCount
        samples = Matrix(rows: Int(n), columns: Int(k), storage: sampleValues)
        lossHistory = LittleEndian.doubles(bytes, at: offset, count: historyCount)
    }

    /// Checks the counts of a payload about to be sent (or just built) against `WireLimits`.
    func validate() throws(WireError) {
        guard checkpoint.count <= WireLimits.maxCheckpointBytes else {
            throw WireError(.tooLarge, "checkpoint of \(checkpoint.count) bytes exceeds \(WireLimits.maxCheckpointBytes)")
        }
        guard samples.rows <= WireLimits.maxSamples else {
            throw WireError(.tooLarge, "\(samples.rows) samples exceed \(WireLimits.maxSamples)")
        }
        guard samples.columns == 2 || (samples.columns == 0 && samples.rows == 0) else {
            throw WireError(.malformedPayload, "samples have \(samples.columns) columns; they must have 2")
        }
        guard lossHistory.count <= WireLimits.maxHistory else {
            throw WireError(.tooLarge, "loss history of \(lossHistory.count) entries exceeds \(WireLimits.maxHistory)")
        }
    }
}
