import Foundation
import EBMCore
import Sweep
@testable import Wire

/// Random valid messages of every type, drawn from a seeded `RandomSource` so failures replay.
struct MessageGenerator {
    var rng: RandomSource

    init(seed: UInt64) { rng = RandomSource(seed: seed) }

    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + rng.index(below: r.count) }
    mutating func bool() -> Bool { rng.next() & 1 == 1 }

    mutating func identifier() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let length = bool() ? int(1...12) : int(1...WireLimits.maxIdentifierLength)
        return String((0..<length).map { _ in alphabet[rng.index(below: alphabet.count)] })
    }

    mutating func text() -> String {
        let pieces = ["node", "-", "07", ".cluster", " ", "é", "ü", "λ", "节点", "1.2.3+build", "\n", "\t"]
        let s = (0..<int(1...8)).map { _ in pieces[rng.index(below: pieces.count)] }.joined()
        return s.trimmingNewlinesOnly().isEmpty ? "x" : s
    }

    /// Any double, finite or not, with the awkward ones over-represented.
    mutating func anyDouble() -> Double {
        switch int(0...9) {
        case 0: [Double.nan, .infinity, -.infinity][int(0...2)]
        case 1: [0.0, -0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
                 .leastNormalMagnitude, 1e-300, 0.1][int(0...7)]
        case 2...5: rng.gaussian() * 10
        default: Double(bitPattern: rng.next() & ~(0x7FF << 52) | (UInt64(int(1...0x7FE)) << 52))
        }
    }

    mutating func duration() -> Double { bool() ? rng.uniform(0, 1e5) : Double(int(0...100)) }

    mutating func runningJob() -> WorkerMessage.RunningJob {
        .init(jobID: identifier(), attempt: int(0...WireLimits.maxAttempt), iteration: int(0...WireLimits.maxIteration),
              loss: anyDouble())
    }

    mutating func payload() -> ResultPayload {
        let checkpoint = (0..<int(0...3000)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let rows = int(0...60)
        let samples = rows == 0 && bool()
            ? Matrix(rows: 0, columns: 0)
            : Matrix(rows: rows, columns: 2, storage: (0..<rows * 2).map { _ in anyDouble() })
        return ResultPayload(checkpoint: checkpoint, samples: samples, lossHistory: (0..<int(0...200)).map { _ in anyDouble() })
    }

    mutating func resultReport() -> ResultReport {
        var metrics: [String: Double] = [:]
        for _ in 0..<int(0...12) { metrics[identifier()] = anyDouble() }
        var report = ResultReport(jobID: identifier(), attempt: int(0...WireLimits.maxAttempt),
                                  status: [RunStatus.ok, .diverged, .failed, .cancelled][int(0...3)], metrics: metrics,
                                  error: bool() ? nil : (bool() ? "" : text()),
                                  seconds: duration(), secondsPerIteration: duration(), payload: payload())
        report.blasKernel = bool() ? nil : identifier()
        report.vectorWidth = bool() ? nil : int(0...65536)
        return report
    }

    mutating func workerMessage() -> WorkerMessage {
        switch int(0...5) {
        case 5:
            .rung(.init(jobID: identifier(), attempt: int(0...WireLimits.maxAttempt), iteration: int(1...WireLimits.maxIteration),
                        metric: anyDouble(), escaped: rng.uniform(0, 1)))
        case 0:
            .ready(.init(workerID: identifier(), host: text(), pid: int(1...Int(Int32.max)),
                         slots: int(1...WireLimits.maxSlots), build: text()))
        case 1: .heartbeat(.init(workerID: identifier(), running: (0..<int(0...5)).map { _ in runningJob() }))
        case 2: .progress(runningJob())
        case 3: .result(resultReport())
        default: .bye(workerID: identifier())
        }
    }

    mutating func config() -> TrainingConfig {
        var c = TrainingConfig.defaults(for: Method.allCases[int(0...3)])
        c.dataset = DatasetName.allCases[int(0...2)]
        c.activation = ActivationKind.allCases[int(0...4)]
        c.lr = pow(10, rng.uniform(-5, -1))
        c.langevinStepSize = pow(10, rng.uniform(-5, -2))
        c.langevinSteps = int(1...100)
        c.sigma = rng.uniform(0.01, 1)
        c.iterations = int(1...5000)
        c.seed = rng.next() >> 1
        return c
    }

    mutating func evaluation() -> EvaluationConfig {
        EvaluationConfig(samples: int(1...100_000), initDistribution: SamplerInit.allCases[int(0...1)],
                         initScale: rng.uniform(0.1, 4), stepSize: pow(10, rng.uniform(-5, -2)), steps: int(0...2000))
    }

    /// A JOB, with rungs below its iterations half of the time.
    mutating func assignment() -> CoordinatorMessage.Assignment {
        let c = config()
        var rungs: CoordinatorMessage.Assignment.Rungs?
        if c.iterations > 1 && bool() {
            var iterations: [Int] = []
            var next = int(1...(c.iterations - 1))
            while next < c.iterations && iterations.count < WireLimits.maxRungs {
                iterations.append(next)
                next *= int(2...4)
            }
            rungs = .init(iterations: iterations, evaluation: evaluation(), metric: RankingMetric.allCases[int(0...7)])
        }
        return .init(jobID: identifier(), attempt: int(0...WireLimits.maxAttempt), config: c, evaluation: evaluation(), rungs: rungs)
    }

    mutating func coordinatorMessage() -> CoordinatorMessage {
        switch int(0...4) {
        case 0:
            .job(assignment())
        case 1: .cancel(jobID: identifier())
        case 2: .heartbeat
        case 3: .ack(jobID: identifier(), attempt: int(0...WireLimits.maxAttempt))
        default: .shutdown
        }
    }
}

extension String {
    func trimmingNewlinesOnly() -> String { filter { $0 != "\n" && $0 != "\t" && $0 != " " } }
}
