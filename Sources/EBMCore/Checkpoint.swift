import Foundation

/// A trained model on disk or on the wire: versioned, self-describing, bit-exact.
///
/// Layout (all integers little-endian):
///   bytes 0..<8    magic "EBMCKPT\0"
///   bytes 8..<12   format version (UInt32, currently 2)
///   bytes 12..<20  header length h (UInt64)
///   h bytes        JSON header {"config": TrainingConfig, "metrics": {name: value}, "parameter_count": n}
///   w·n bytes      the flat parameters in the config's precision: IEEE-754 binary32 (w = 4) for
///                  float32, binary64 (w = 8) for float64, little-endian
/// Version 1 (before `precision`) is read too: its configs have no precision, which means float64,
/// and its parameters are binary64, so the same rule reads it.
/// Parameters are raw bits, so they round-trip exactly (NaN payloads included). Metrics go through
/// JSON with shortest round-trip formatting (exact for finite values); non-finite metrics are
/// written as the strings "nan", "inf", "-inf".
public struct Checkpoint: Equatable, Sendable {
    public static let magic: [UInt8] = Array("EBMCKPT".utf8) + [0]
    public static let formatVersion: UInt32 = 2
    /// Versions this build reads.
    public static let readableVersions: ClosedRange<UInt32> = 1...2
    /// The largest checkpoint a RESULT carries (the wire's payload limit leaves room beside it
    /// for 100 000 samples and a million losses); `ResourceEstimate` refuses larger models.
    public static let maxBytes = 48 << 20

    public var config: TrainingConfig
    public var parameters: [Double]
    public var metrics: [String: Double]

    public init(config: TrainingConfig, parameters: [Double], metrics: [String: Double] = [:]) {
        self.config = config
        self.parameters = parameters
        self.metrics = metrics
    }

    /// A checkpoint of `model` trained with `config`.
    public init(model: Model, config: TrainingConfig, metrics: [String: Double] = [:]) {
        self.init(config: config, parameters: model.parameters, metrics: metrics)
    }

    /// Bytes per stored parameter.
    static func width(of precision: Precision) -> Int { precision == .float32 ? 4 : 8 }

    /// Bit-exact equality of the parameters (so NaN parameters of a diverged run still compare
    /// equal to their own round trip); metrics and config compare by value.
    public static func == (a: Checkpoint, b: Checkpoint) -> Bool {
        a.config == b.config && a.metrics == b.metrics
            && a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern)
    }

    struct Header: Codable {
        var config: TrainingConfig
        var metrics: [String: Double]
        var parameterCount: Int
        enum CodingKeys: String, CodingKey {
            case config, metrics
            case parameterCount = "parameter_count"
        }
    }

    static func makeEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static func makeDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// The binary form described above.
    public func encoded() -> [UInt8] {
        let header = Header(config: config, metrics: metrics, parameterCount: parameters.count)
        // Encoding plain Codable values with a string strategy for non-finite floats cannot fail.
        let json = (try? Self.makeEncoder().encode(header)).map { [UInt8]($0) } ?? []
        var bytes = Self.magic
        bytes.reserveCapacity(20 + json.count + Self.width(of: config.precision) * parameters.count)
        LittleEndian.append(Self.formatVersion, to: &bytes)
        LittleEndian.append(UInt64(json.count), to: &bytes)
        bytes.append(contentsOf: json)
        switch config.precision {
        case .float32: for p in parameters { LittleEndian.append(Float(p).bitPattern, to: &bytes) }
        case .float64: LittleEndian.append(parameters, to: &bytes)
        }
        return bytes
    }

    /// Parses the binary form, checking magic, version, lengths and the parameter count the config implies.
    public init(decoding bytes: [UInt8]) throws(CheckpointError) {
        guard bytes.count >= 20 else {
            throw CheckpointError(.truncated, "checkpoint is \(bytes.count) bytes, shorter than its 20-byte preamble; the file was cut off or is not a checkpoint")
        }
        guard Array(bytes[0..<8]) == Self.magic else {
            throw CheckpointError(.badMagic, "not an ebm-sweep checkpoint (wrong magic bytes); pass a file written by ebm-sweep")
        }
        let version = LittleEndian.read(UInt32.self, from: bytes, at: 8)
        guard Self.readableVersions.contains(version) else {
            throw CheckpointError(.unsupportedVersion, "checkpoint format version \(version) is not supported (this build reads versions \(Self.readableVersions.lowerBound)–\(Self.readableVersions.upperBound)); use a matching ebm-sweep build")
        }
        let headerLength = LittleEndian.read(UInt64.self, from: bytes, at: 12)
        guard headerLength <= UInt64(bytes.count - 20) else {
            throw CheckpointError(.truncated, "checkpoint header claims \(headerLength) bytes but only \(bytes.count - 20) follow; the file was cut off")
        }
        let headerEnd = 20 + Int(headerLength)
        let header: Header
        do {
            header = try Self.makeDecoder().decode(Header.self, from: Data(bytes[20..<headerEnd]))
        } catch {
            throw CheckpointError(.badHeader, "checkpoint header is not valid JSON for this build: \(error)")
        }
        do { try header.config.validate() } catch {
            throw CheckpointError(.badHeader, "checkpoint config is invalid (\(error)); the file is corrupt or from an incompatible build")
        }
        let n = header.parameterCount, width = Self.width(of: header.config.precision)
        guard n >= 0, n <= (bytes.count - headerEnd) / width, bytes.count - headerEnd == width * n else {
            throw CheckpointError(.truncated, "checkpoint should hold \(n) \(header.config.precision.rawValue) parameters (\(n.multipliedReportingOverflow(by: width).partialValue) bytes) after its header but has \(bytes.count - headerEnd) bytes; the file was cut off or padded")
        }
        guard n == Model.parameterCount(for: header.config) else {
            throw CheckpointError(.badHeader, "checkpoint holds \(n) parameters but its config needs \(Model.parameterCount(for: header.config))")
        }
        let parameters = width == 4
            ? (0..<n).map { Double(Float(bitPattern: LittleEndian.read(UInt32.self, from: bytes, at: headerEnd + 4 * $0))) }
            : LittleEndian.doubles(bytes, at: headerEnd, count: n)
        self.init(config: header.config, parameters: parameters, metrics: header.metrics)
    }

    /// The model for plotting and sampling (the parameter count was checked when decoding).
    public var model: Model { Model(config: config, parameters: parameters) }
}

/// A checkpoint that cannot be read: what went wrong and how to fix it.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case truncated, badMagic, unsupportedVersion, badHeader
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "checkpoint \(code.rawValue): \(message)" }
}
