import EBMCore
import Testing
@testable import Sweep

@Suite("Racing's seeds and jobs")
struct RacingTests {
    @Test("race seeds follow the sweep's largest seed, so the race never reuses one")
    func seeds() {
        #expect(Racing.seeds(after: [0, 1, 2], count: 3) == [3, 4, 5])
        #expect(Racing.seeds(after: [7, 2], count: 2) == [8, 9])
        #expect(Racing.seeds(after: [0, 1], count: 0).isEmpty)
    }

    @Test("race jobs are the planner's jobs for those seeds: same ids, configurations and seeds")
    func jobsMatchThePlanner() throws {
        let spec = try SweepSpec.parse(yaml: """
            name: t
            method: ml
            fixed: {iterations: 5}
            grid: {lr: [0.001, 0.002]}
            seeds: [0, 1, 2, 3]
            """, file: "t.yaml")
        let planned = Planner.plan(spec)
        let rivals = planned.filter { $0.seed == 0 }
        let raced = Racing.jobs(rivals: rivals, seeds: [2, 3])
        #expect(Set(raced) == Set(planned.filter { $0.seed >= 2 }))
    }

    @Test("how many seeds a race adds: race_seeds when written, else the sweep's count under an active rule, else none")
    func seedCount() throws {
        func spec(_ section: String) throws -> SweepSpec {
            try SweepSpec.parse(yaml: "name: t\nmethod: ml\nfixed: {iterations: 1000}\ngrid: {lr: [0.001, 0.002]}\nseeds: [0, 1, 2]\n"
                                + section, file: "t.yaml")
        }
        #expect(Racing.seedCount(for: try spec("")) == 0)
        #expect(Racing.seedCount(for: try spec("early_stopping: {type: asha}")) == 3)
        #expect(Racing.seedCount(for: try spec("early_stopping: {type: asha, race_seeds: 0}")) == 0)
        #expect(Racing.seedCount(for: try spec("early_stopping: {type: none, race_seeds: 2}")) == 2)
    }

    @Test("race_seeds out of range or not a number is refused naming the file, line and key")
    func refused() {
        for bad in ["-1", "101", "many"] {
            let text = "name: t\nmethod: ml\nfixed: {iterations: 1000}\nseeds: [0]\nearly_stopping:\n  type: asha\n  race_seeds: \(bad)\n"
            #expect {
                _ = try SweepSpec.parse(yaml: text, file: "r.yaml")
            } throws: { error in
                let message = String(describing: error)
                return message.contains("r.yaml:7") && message.contains("early_stopping.race_seeds")
            }
        }
    }
}

@Suite("Divergence checks between rungs")
struct DivergenceCheckTests {
    let cheap = EvaluationConfig(samples: 500, initDistribution: .normal, initScale: 1, stepSize: 2.5e-3, steps: 200)

    @Test("a check costs at most 2 % of the training between checks: often for ML, never for NCE's small batches")
    func intervals() {
        var ml = TrainingConfig.defaults(for: .ml)   // batch 512, 20 Langevin steps: 64·200 / (0.02·512·22)
        #expect(EarlyStopping.divergenceCheckInterval(config: ml, cheap: cheap) == 57)
        ml.langevinSteps = 40
        #expect(EarlyStopping.divergenceCheckInterval(config: ml, cheap: cheap) == 30)
        #expect(EarlyStopping.divergenceCheckInterval(config: TrainingConfig.defaults(for: .nce), cheap: cheap) == nil)
        var dsm = TrainingConfig.defaults(for: .dsm)  // 5000 iterations of batch 512: every 1250
        #expect(EarlyStopping.divergenceCheckInterval(config: dsm, cheap: cheap) == 1250)
        dsm.iterations = 1000
        #expect(EarlyStopping.divergenceCheckInterval(config: dsm, cheap: cheap) == nil)
    }
}
