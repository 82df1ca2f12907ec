import ArgumentParser
import Artifacts
import Cluster
import Foundation
import Store
import Sweep

/// `ebm-sweep status DIR`: where a sweep stands, read from its database (works while it runs).
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a sweep's progress, whether a coordinator is running it, and its best configurations so far.")

    @Argument(help: ArgumentHelp("The sweep directory (results/<name>).", valueName: "dir")) var directory: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Best configurations to show.", valueName: "n")) var top: Int = 5

    func run() throws {
        let store = try SweepStore.openReadOnly(at: databasePath(directory))
        let spec = try storedSpec(store)
        let jobs = try store.jobs()
        let counts = try store.counts()
        print("\(spec.name): \(spec.method.rawValue) on \(spec.dataset.rawValue), \(jobs.count) jobs")
        // The lock, not the rows, says whether the sweep is alive: a killed coordinator leaves rows running.
        let live: Bool
        switch SweepLock.probe(directory: directory) {
        case .held(let holder):
            live = true
            print("coordinator: \(holder.map { "\($0)" } ?? "running (it has not written its pid yet)")")
        case .free(let last):
            live = false
            print("no coordinator holds \(directory)\(last.map { " (the last was \($0))" } ?? "")"
                  + (counts[.running, default: 0] > 0 ? "; interrupted jobs run again on the next `ebm-sweep run`" : ""))
        }
        let running = live ? "running" : "interrupted"
        print(SweepStore.jobStatuses.map { "\($0 == .running ? running : $0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: " · "))
        for job in jobs where job.status == .running {
            print("  \(running) \(job.job.id) on \(job.worker ?? "?") (attempt \(job.attempts))")
        }
        let results = try store.resultSummaries()
        let ranked = Ranking.rank(jobs: jobs.map(\.job), statuses: Dictionary(jobs.map { ($0.job.id, $0.status) }, uniquingKeysWith: { a, _ in a }),
                                  results: results, metric: spec.metric)
        let shown = ranked.filter { $0.status == .ok }.prefix(top)
        if !shown.isEmpty { print("best by \(spec.metric.rawValue):") }
        let varied = Ranking.variedNames(in: ranked)
        for row in shown {
            let values = row.hyperparameters.filter { varied.contains($0.name) }.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            print(String(format: "  #%d %@ %.4f ± %.4f (%d ok)  %@", row.rank, row.configID, row.metricMean ?? .nan, row.metricStd ?? .nan, row.nOK, values))
        }
        // Who the early-stopping rule stopped, where and why (the reason is each job's error).
        let reasons = Dictionary(jobs.filter { $0.status == .stopped }.map { ($0.job.configID, $0.error ?? "") }, uniquingKeysWith: { a, _ in a })
        let stopped = ranked.filter { $0.status == .stopped }
        if !stopped.isEmpty { print("stopped early: \(stopped.count) configuration\(stopped.count == 1 ? "" : "s")") }
        for row in stopped.prefix(top) {
            // One no seed of which ran says so in its reason ("not run: …"), not "at iteration 0".
            let place = row.neverRan ? "" : " at iteration \(row.stoppedAt ?? 0)"
            print("  \(row.configID)\(place): \(reasons[row.configID] ?? "")")
        }
        if let line = try SweepArtifacts.bestOverTimeLine(store: store, stored: jobs, results: results, metric: spec.metric) {
            print(line)
        }
    }
}

/// `ebm-sweep report DIR`: rewrites the tables, best/ and report.html from the database.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rewrite a sweep's tables, best/ directories and report.html from its database.")

    @Argument(help: ArgumentHelp("The sweep directory (results/<name>).", valueName: "dir")) var directory: String

    func run() throws {
        let store = try SweepStore.openReadOnly(at: databasePath(directory))
        let spec = try storedSpec(store)
        let ranked = try SweepArtifacts.write(store: store, spec: spec, to: directory)
        let kept = ranked.prefix(spec.keepBest).filter { $0.status == .ok }.count
        print("wrote \(directory)/results.csv, results.md, results.tex, runs.csv, figures/, report.html, best/ (\(kept) configuration\(kept == 1 ? "" : "s"))")
    }
}

func databasePath(_ directory: String) throws -> String {
    let path = (directory as NSString).appendingPathComponent("sweep.sqlite")
    guard FileManager.default.fileExists(atPath: path) else {
        throw CommandError("\(directory) holds no sweep.sqlite: give the directory a sweep writes to (results/<name>, or run --out)")
    }
    return path
}

/// The spec as the sweep stored it (the YAML text it started from).
func storedSpec(_ store: SweepStore) throws -> SweepSpec {
    do { return try SweepSpec.parse(yaml: try store.specText, file: try store.specPath) } catch let error as SweepSpecError {
        throw SpecFailure(error: error)
    }
}
