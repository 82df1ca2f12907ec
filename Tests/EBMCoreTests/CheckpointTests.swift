import Testing
import EBMCore
import TestSupport

@Suite("Checkpoint format")
struct CheckpointTests {
    static func trained(_ method: Method, _ precision: Precision = .float32) -> (TrainingConfig, Model) {
        var config = Fixtures.smallConfig(method, iterations: 5)
        config.precision = precision
        var trainer = Trainer(config: config, data: Fixtures.rings(rows: config.dataSize, seed: 1))
        return (config, trainer.train().model)
    }

    @Test("encoding then decoding gives back the same checkpoint, bit for bit", arguments: Method.allCases, Precision.allCases)
    func roundTrip(method: Method, precision: Precision) throws {
        let (config, model) = Self.trained(method, precision)
        let checkpoint = Checkpoint(model: model, config: config,
                                    metrics: ["kde_nll": 0.8123456789012345, "mmd": 1e-300, "escaped": 0])
        let bytes = checkpoint.encoded()
        let decoded = try Checkpoint(decoding: bytes)
        #expect(decoded == checkpoint)
        #expect(decoded.parameters.map(\.bitPattern) == model.parameters.map(\.bitPattern))
        #expect(decoded.encoded() == bytes)
        #expect(decoded.model == model)
        // Parameters are stored in the run's precision: 4 bytes each for float32, 8 for float64.
        let width = precision == .float32 ? 4 : 8
        #expect(bytes.count == 20 + Self.headerLength(bytes) + width * model.parameters.count)
    }

    static func headerLength(_ bytes: [UInt8]) -> Int {
        (0..<8).reduce(0) { $0 | Int(bytes[12 + $1]) << (8 * $1) }
    }

    @Test("a version-1 checkpoint (before precision) still reads, as float64")
    func versionOne() throws {
        let (config, model) = Self.trained(.dsm, .float64)
        let bytes = Checkpoint(model: model, config: config, metrics: ["kde_nll": 1.5]).encoded()
        let json = String(decoding: bytes[20..<(20 + Self.headerLength(bytes))], as: UTF8.self)
        let old = Array(json.replacingOccurrences(of: "\"precision\":\"float64\",", with: "").utf8)
        #expect(old.count < json.utf8.count)
        var v1 = Array(bytes[0..<8]) + [1, 0, 0, 0]
        withUnsafeBytes(of: UInt64(old.count).littleEndian) { v1.append(contentsOf: $0) }
        v1 += old + bytes[(20 + json.utf8.count)...]
        let decoded = try Checkpoint(decoding: v1)
        #expect(decoded.config == config && decoded.config.precision == .float64)
        #expect(decoded.parameters.map(\.bitPattern) == model.parameters.map(\.bitPattern))
    }

    @Test("non-finite metrics and parameters survive the round trip")
    func nonFinite() throws {
        let (config, model) = Self.trained(.dsm)
        var parameters = model.parameters
        parameters[0] = .nan; parameters[1] = -.infinity
        let checkpoint = Checkpoint(config: config, parameters: parameters, metrics: ["kde_nll": .infinity, "nll": .nan])
        let decoded = try Checkpoint(decoding: checkpoint.encoded())
        #expect(decoded.parameters.map(\.bitPattern) == parameters.map(\.bitPattern))
        #expect(decoded.metrics["kde_nll"] == .infinity)
        #expect(decoded.metrics["nll"]?.isNaN == true)
    }

    static func code(_ bytes: [UInt8]) -> CheckpointError.Code? {
        do { _ = try Checkpoint(decoding: bytes); return nil } catch { return error.code }
    }

    @Test("corrupt bytes are rejected with the matching error")
    func rejection() {
        let (config, model) = Self.trained(.nce)
        let bytes = Checkpoint(model: model, config: config).encoded()
        var wrongMagic = bytes; wrongMagic[0] = UInt8(ascii: "X")
        var wrongVersion = bytes; wrongVersion[8] = 9
        var badHeader = bytes; badHeader[20] = UInt8(ascii: "]")
        var hugeHeader = bytes; hugeHeader[19] = 0x7F
        #expect(Self.code(wrongMagic) == .badMagic)
        #expect(Self.code(wrongVersion) == .unsupportedVersion)
        #expect(Self.code(badHeader) == .badHeader)
        #expect(Self.code(hugeHeader) == .truncated)
        #expect(Self.code(Array(bytes.dropLast(3))) == .truncated)
        #expect(Self.code(bytes + [0]) == .truncated)
        #expect(Self.code(Array(bytes.prefix(10))) == .truncated)
        #expect(Self.code([]) == .truncated)
        #expect(Self.code(bytes) == nil)
    }

    @Test("a header whose config needs a different parameter count is rejected")
    func parameterCountMismatch() {
        let (config, model) = Self.trained(.ism)
        var other = config
        other.neurons += 1
        let bytes = Checkpoint(config: other, parameters: model.parameters).encoded()
        #expect(Self.code(bytes) == .badHeader)
    }
}
