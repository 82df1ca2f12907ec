import EBMCore
import Testing
@testable import Sweep

@Suite("Planner")
struct PlannerTests {
    /// (spec text, expected configurations, seeds)
    static let cases: [(String, Int, Int)] = [
        ("method: ml\n", 1, 1),
        ("method: ml\ngrid:\n  lr: [0.001, 0.002, 0.003]\nseeds: [0, 1]\n", 3, 2),
        ("method: nce\ngrid:\n  neurons: [8, 16]\n  noise_std: [1, 2, 3]\n  lr: [0.1, 0.2]\nseeds: [5, 6, 7]\n", 12, 3),
        ("method: dsm\nfixed:\n  lr: 0.01\ngrid:\n  sigma: [0.1, 0.2]\n  activation: [relu, silu, tanh, softplus]\n", 8, 1),
    ]

    @Test("job count is the product of the axes times the seeds", arguments: cases)
    func jobCount(text: String, configurations: Int, seeds: Int) throws {
        let jobs = Planner.plan(try spec(text))
        #expect(jobs.count == configurations * seeds)
        #expect(Set(jobs.map(\.id)).count == jobs.count)
        #expect(Set(jobs.map(\.configID)).count == configurations)
        for job in jobs {
            #expect(job.id == "\(job.configID)-s\(job.seed)")
            #expect(job.config.seed == job.seed)
        }
    }

    @Test("the fixtures load, and the design's example has 3·3·2·3 = 54 jobs")
    func fixtures() throws {
        let ml = try SweepSpec.load(path: fixturePath("ml_swiss.yaml"))
        #expect(Planner.plan(ml).count == 54)
        #expect(ml.evaluation.samples == 2000 && ml.evaluation.initScale == 1)
        let nce = try SweepSpec.load(path: fixturePath("nce_small.yaml"))
        #expect(nce.name == "nce_small" && nce.dataset == .gaussians && nce.seeds == [0])
        #expect(Planner.plan(nce).count == 2)
        let dsm = try SweepSpec.load(path: fixturePath("dsm_random.yaml"))
        #expect(dsm.maxAttempts == 2 && dsm.metric == .recall)
        #expect(Planner.plan(dsm).count <= 2 * 6 * 2)
    }

    @Test("the same spec parsed twice gives the same ids, and fixed key order does not matter")
    func stableIDs() throws {
        let a = try spec("method: ml\nfixed:\n  neurons: 64\n  lr: 0.001\ngrid:\n  langevin_steps: [5, 10]\n")
        let b = try spec("# reordered\nmethod: ml\nfixed:\n  lr: 1.0e-3\n  neurons: 64\ngrid:\n  langevin_steps: [5, 10]\n")
        #expect(Planner.plan(a).map(\.id) == Planner.plan(a).map(\.id))
        #expect(Planner.plan(a).map(\.id) == Planner.plan(b).map(\.id))
        #expect(a.planHash == b.planHash)
        let c = try spec("method: ml\nfixed:\n  neurons: 64\n  lr: 0.002\ngrid:\n  langevin_steps: [5, 10]\n")
        #expect(Set(Planner.plan(a).map(\.id)).isDisjoint(with: Planner.plan(c).map(\.id)))
        #expect(a.planHash != c.planHash)
    }

    @Test("reproducible: portable keeps the jobs but changes the plan hash; native is the default")
    func reproducible() throws {
        let native = try spec("method: ml\n"), explicit = try spec("method: ml\nreproducible: native\n")
        let portable = try spec("method: ml\nreproducible: portable\n")
        #expect(native.reproducible == .native && explicit.reproducible == .native && portable.reproducible == .portable)
        #expect(native.planHash == explicit.planHash)
        #expect(Planner.plan(native).map(\.id) == Planner.plan(portable).map(\.id))
        #expect(native.planHash != portable.planHash)
        let refused = issues("method: ml\nreproducible: portabel\n")
        #expect(refused.count == 1 && refused.first?.keyPath == "reproducible" && refused.first?.line == 2, "\(refused)")
        #expect(refused.first?.message.contains("portable") == true, "\(refused)")
    }

    @Test("a fixed value equal to the default gives the same configuration id as leaving it out")
    func defaultsAreResolved() throws {
        let a = try spec("method: ml\n")
        let b = try spec("method: ml\nfixed:\n  lr: 0.001\n  neurons: 128\n")
        #expect(Planner.plan(a).map(\.id) == Planner.plan(b).map(\.id))
    }

    @Test("grid order is cartesian with the last key fastest, seed by seed")
    func gridOrder() throws {
        let jobs = Planner.plan(try spec("method: ml\ngrid:\n  neurons: [8, 16]\n  lr: [0.1, 0.2]\nseeds: [0, 1]\n"))
        let rows = jobs.map { "\($0.seed) \($0.config.neurons) \($0.config.lr)" }
        #expect(rows == ["0 8 0.1", "0 8 0.2", "0 16 0.1", "0 16 0.2", "1 8 0.1", "1 8 0.2", "1 16 0.1", "1 16 0.2"])
    }

    @Test("random search is reproducible with its seed and changes with it")
    func randomSearch() throws {
        let text = "method: dsm\nrandom:\n  samples: 20\n  seed: SEED\n  lr: {log_uniform: [1.0e-4, 1.0e-2]}\n  hidden_layers: {int: [1, 3]}\n"
        let a = Planner.plan(try spec(text.replacingOccurrences(of: "SEED", with: "3")))
        let b = Planner.plan(try spec(text.replacingOccurrences(of: "SEED", with: "3")))
        let c = Planner.plan(try spec(text.replacingOccurrences(of: "SEED", with: "4")))
        #expect(a.map(\.id) == b.map(\.id))
        #expect(a.map(\.id) != c.map(\.id))
        #expect(a.count == 20)
        for job in a {
            #expect(job.config.lr >= 1e-4 && job.config.lr <= 1e-2)
            #expect((1...3).contains(job.config.hiddenLayers))
        }
    }

    @Test("SpecDiff lists each changed key, and cosmetic edits show none")
    func specDiff() throws {
        let old = try spec("method: ml\ngrid:\n  lr: [0.001, 0.0003]\n")
        let new = try spec("method: ml\ngrid:\n  lr: [0.001]\nseeds: [0, 1]\n")
        let diff = SpecDiff(from: old, to: new)
        #expect(diff.description == "grid.lr: [0.001, 0.0003] → [0.001]\nseeds: [0] → [0, 1]")
        let cosmetic = try spec("# a comment\nmethod: ml\ngrid:\n  lr: [1.0e-3, 3.0e-4]\n")
        #expect(SpecDiff(from: old, to: cosmetic).isEmpty)
        #expect(old.planHash == cosmetic.planHash)
    }

    @Test("the plan summary counts jobs and scales its time estimate with the GFLOP/s figure")
    func planSummary() throws {
        let s = try SweepSpec.load(path: fixturePath("ml_swiss.yaml"))
        let jobs = Planner.plan(s)
        let slow = PlanSummary(spec: s, jobs: jobs, gflops: 1, rows: 5)
        let fast = PlanSummary(spec: s, jobs: jobs, gflops: 10, rows: 5)
        #expect(slow.jobCount == 54 && slow.configurationCount == 18 && slow.seedCount == 3)
        #expect(abs(slow.estimatedSeconds / fast.estimatedSeconds - 10) < 1e-9)  // exact ratio up to rounding
        #expect(slow.table.split(separator: "\n").count == 1 + 5 + 1)
        // F for H = 128, L = 2, out = 1: 2·(256 + 32768 + 128) = 66304.
        #expect(PlanSummary.forwardFLOPs(jobs[0].config) == 66304)
        // Without a figure, each job at its precision's typical rate (the fixture is float32).
        let typical = PlanSummary(spec: s, jobs: jobs, rows: 5)
        #expect(jobs.allSatisfy { $0.config.precision == .float32 })
        #expect(abs(typical.estimatedSeconds - slow.estimatedSeconds / PlanSummary.typicalGFLOPs(.float32)) < 1e-6 * slow.estimatedSeconds)
        var float64 = jobs
        for i in float64.indices { float64[i].config.precision = .float64 }
        let slower = PlanSummary(spec: s, jobs: float64, rows: 5)
        #expect(abs(slower.estimatedSeconds - slow.estimatedSeconds / PlanSummary.typicalGFLOPs(.float64)) < 1e-6 * slow.estimatedSeconds)
    }
}
