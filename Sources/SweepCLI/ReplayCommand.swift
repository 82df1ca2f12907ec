import ArgumentParser
import Cluster
import Foundation
import EBMCore
import Sweep

/// `ebm-sweep replay TRACE`: what a stopping rule would have spent and picked on a sweep that ran
/// every job to its end, replayed on virtual time (`ReplaySimulator`).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a full grid's trace under early-stopping rules: compute used, pick, its rank.",
        discussion: """
        TRACE is a CSV trace (one row per rung or final evaluation of each job; see README, "Early stopping"). Prints a Markdown table: worker-seconds as a share of the full grid, the configuration each rule picks, and where it ranks in the full grid; then, at each of those rungs, how well the configurations' means there predict their final ranking.

        The oracle rows are yardsticks, not rules: knowing the grid's best, oracle stops exactly the configurations that trail it at a rung, with no seed noise to allow for; oracle-bound stops them only once their seeds' optimistic bound trails it, as seed-aware ASHA judges (docs/design.md, "The oracle").
        """)

    @Argument(help: ArgumentHelp("The trace (CSV), from ebm-sweep trace.", valueName: "trace.csv")) var trace: String
    @Option(help: ArgumentHelp("The rule to replay: \(Self.ruleNames), or all of them.", valueName: "rule"))
    var earlyStopping: String = "all"
    @Option(parsing: .unconditional, help: ArgumentHelp("Virtual workers running jobs at once.", valueName: "n")) var workers: Int = 2
    @Option(parsing: .unconditional,
            help: ArgumentHelp("The first rung (default: the trace's first evaluated iteration).", valueName: "n")) var minIterations: Int?
    @Option(parsing: .unconditional,
            help: ArgumentHelp("η: rungs at min_iterations·η^k; ASHA keeps the best 1/η.", valueName: "eta")) var reductionFactor: Int = 3
    @Option(help: ArgumentHelp("The sweep spec the trace ran: the rules then also never start the configurations a sweep would not run (its Langevin noise floor).", valueName: "spec.yaml"))
    var spec: String?

    static let ruleNames = ReplaySimulator.Rule.allCases.map(\.rawValue).joined(separator: ", ")

    var rules: [ReplaySimulator.Rule] {
        earlyStopping == "all" ? ReplaySimulator.Rule.allCases : ReplaySimulator.Rule(rawValue: earlyStopping).map { [$0] } ?? []
    }

    func validate() throws {
        guard !rules.isEmpty else {
            throw ValidationError("--early-stopping must be \(Self.ruleNames) or all, got '\(earlyStopping)'")
        }
        guard (1...10_000).contains(workers) else { throw ValidationError("--workers must be in 1...10000, got \(workers)") }
        guard (2...100).contains(reductionFactor) else {
            throw ValidationError("--reduction-factor must be in 2...100, got \(reductionFactor)")
        }
        if let m = minIterations, m < 1 { throw ValidationError("--min-iterations must be at least 1, got \(m)") }
    }

    func run() throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: trace)[.size] as? Int) ?? nil
        guard let size else { throw CommandError("cannot read \(trace); check the path and its permissions") }
        guard size <= ReplayTrace.maxBytes else {
            throw CommandError("\(trace) is larger than \(ReplayTrace.maxBytes >> 20) MiB; a trace holds metrics only")
        }
        guard let data = FileManager.default.contents(atPath: trace), let text = String(data: data, encoding: .utf8) else {
            throw CommandError("cannot read \(trace) as UTF-8 text")
        }
        let parsed = try ReplayTrace.parse(text, file: trace)
        guard let first = minIterations ?? parsed.jobs.flatMap({ $0.rungs.map(\.iteration) }).min() else {
            throw CommandError("\(trace) records no rung evaluation: nothing to replay a rule on")
        }
        let settings = ReplaySimulator.Rule.asha.settings(minIterations: first, reductionFactor: reductionFactor)
        for rule in rules where rule != .none {
            if let missing = parsed.missingRung(for: rule.settings(minIterations: first, reductionFactor: reductionFactor)) {
                throw CommandError("""
                    \(trace): job \(missing.job) has no evaluation at iteration \(missing.iteration), a rung of \
                    min_iterations \(first) and reduction factor \(reductionFactor); pick rungs the trace recorded
                    """)
            }
        }
        let notRun = try spec.map { try notRunnable(spec: $0, trace: parsed) } ?? [:]
        let outcomes = rules.map {
            ReplaySimulator.run(parsed, rule: $0, minIterations: first, reductionFactor: reductionFactor, workers: workers,
                                notRun: notRun)
        }
        print("replay of \(trace): \(parsed.jobs.count) jobs, \(Set(parsed.jobs.map(\.configID)).count) configurations, "
              + "\(parsed.metric.rawValue), rungs from \(first) × \(reductionFactor)^k\n")
        if !notRun.isEmpty {
            print("not run by any rule (their Langevin noise is wider than the data, \(spec ?? "")): "
                  + "\(notRun.count) configurations\n")
        }
        print(ReplayOutcome.table(outcomes))
        print("\nhow well each rung predicts the final ranking (configurations without a diverged seed, on their "
              + "seeds that ended ok; README, \"Early stopping\"):\n")
        print(RungAgreement.table(RungAgreement.measure(parsed, rungs: parsed.rungs(of: settings).sorted())))
    }

    /// The configurations a sweep of `path` would never start under an active rule; refused when
    /// the trace holds a configuration the spec does not plan (a trace of another sweep).
    func notRunnable(spec path: String, trace: ReplayTrace) throws -> [String: StopReason] {
        let jobs = Planner.plan(try loadSpec(path))
        let planned = Set(jobs.map(\.configID))
        if let stranger = trace.jobs.first(where: { !planned.contains($0.configID) }) {
            throw CommandError("\(trace.jobs.count > 0 ? self.trace : path): configuration \(stranger.configID) of job "
                               + "\(stranger.id) is not one \(path) plans; pass the spec the trace ran")
        }
        // Any active rule holds back the same configurations; among the trace's, as a sweep of
        // them would (the guard looks at what is there to run).
        let traced = Set(trace.jobs.map(\.configID))
        return EarlyStopping(rule: .asha, evaluation: .defaults(for: .ml)).notRunnable(jobs.filter { traced.contains($0.configID) })
    }
}
