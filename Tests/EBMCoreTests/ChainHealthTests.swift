import Testing
import EBMCore
import TestSupport

@Suite("Chain health of the training chains")
struct ChainHealthTests {
    static let box: EvaluationData.Box = (-3, 3, -3, 3)

    @Test("reading the chains' health between steps changes no bit of training", arguments: Precision.allCases)
    func readingChangesNothing(precision: Precision) throws {
        var config = Fixtures.smallConfig(.ml, iterations: 60)
        config.precision = precision
        let data = Fixtures.rings(rows: config.dataSize, seed: 5)
        var plain = Trainer(config: config, data: data)
        let whole = plain.train()
        var read = Trainer(config: config, data: data)
        var losses: [Double] = []
        var healths: [ChainHealth] = []
        while losses.count < config.iterations {
            let done = losses.count
            losses += read.train { i, _ in i < min(7, config.iterations - done) }.losses  // 7 steps, then a read
            healths.append(try #require(read.chainHealth(box: Self.box)))
        }
        #expect(losses == whole.losses)
        #expect(read.model.parameters == plain.model.parameters)
        #expect(healths.allSatisfy { $0.drift.isFinite && $0.drift <= $0.maxDrift && (0...1).contains($0.escaped) })
        #expect(healths.last?.noise == (2 * config.langevinStepSize).squareRoot())
        #expect(healths.last.map { $0.driftToNoise == $0.drift / $0.noise } == true)
    }

    @Test("only maximum likelihood has training chains", arguments: [Method.nce, .ism, .dsm])
    func otherMethods(method: Method) {
        let config = Fixtures.smallConfig(method, iterations: 5)
        var trainer = Trainer(config: config, data: Fixtures.rings(rows: config.dataSize, seed: 5))
        _ = trainer.train()
        #expect(trainer.chainHealth(box: Self.box) == nil)
    }

    @Test("chains outside the box count as escaped")
    func escapedShare() throws {
        let config = Fixtures.smallConfig(.ml, iterations: 5)
        var trainer = Trainer(config: config, data: Fixtures.rings(rows: config.dataSize, seed: 5))
        _ = trainer.train()
        #expect(try #require(trainer.chainHealth(box: (-1e9, 1e9, -1e9, 1e9))).escaped == 0)
        #expect(try #require(trainer.chainHealth(box: (1e8, 1e9, 1e8, 1e9))).escaped == 1)
    }
}
