import Foundation
import Testing
import EBMCore

@Suite("Trainer benchmark", .serialized)
struct BenchmarkTests {
    @Test("the FLOP count of a tiny DSM iteration matches a hand count")
    func flopCount() {
        var c = TrainingConfig.defaults(for: .dsm)
        c.batchSize = 4; c.neurons = 3; c.hiddenLayers = 1
        // forward 2·4·(2·3 + 3·3 + 3·2) = 168; weight gradients the same; adjoints 2·4·(9 + 6) = 120.
        #expect(TrainerBenchmark(config: c).flopsPerIteration == 168 + 168 + 120)
    }

    /// Release-build speed report at the template defaults; run with EBM_BENCH=1.
    @Test("template defaults speed (EBM_BENCH=1)", .enabled(if: ProcessInfo.processInfo.environment["EBM_BENCH"] != nil),
          arguments: Method.allCases)
    func templateSpeed(method: Method) {
        let row = TrainerBenchmark(config: TrainingConfig.defaults(for: method), warmupIterations: 3, measuredIterations: 20).run()
        print("BENCH", row)
        #expect(row.millisecondsPerIteration > 0)
    }
}
