import Testing
import EBMCore
import TestSupport

@Suite("Checkpoint format")
struct CheckpointTests {
    static func trained(_ method: Method) -> (TrainingConfig, Model) {
        let config = Fixtures.smallConfig(method, iterations: 5)
        var trainer = Trainer(config: config, data: Fixtures.rings(rows: config.dataSize, seed: 1))
        return (config, trainer.train().model)
    }

    @Test("encoding then decoding gives back the same checkpoint, bit for bit", arguments: Method.allCases)
    func roundTrip(method: Method) throws {
        let (config, model) = Self.trained(method)
        let checkpoint = Checkpoint(model: model, config: config,
                                    metrics: ["kde_nll": 0.8123456789012345, "mmd": 1e-300, "escaped": 0])
        let bytes = checkpoint.encoded()
        let decoded = try Checkpoint(decoding: bytes)
        #expect(decoded == checkpoint)
        #expect(decoded.parameters.map(\.bitPattern) == model.parameters.map(\.bitPattern))
        #expect(decoded.encoded() == bytes)
        #expect(decoded.model == model)
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
