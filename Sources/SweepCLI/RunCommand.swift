import ArgumentParser
import Artifacts
import Cluster
import EBMCore
import Foundation
import Logging
import Store
import Sweep
import Wire
import ZeroMQ

/// `ebm-sweep run SPEC`: the coordinator. Plans the sweep, binds a ROUTER socket, starts local
/// workers unless told otherwise, leases jobs, stores results, writes the ranked tables.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sweep: coordinate workers over ZeroMQ, rank the results, keep the best runs.",
        discussion: """
        Re-running the same command resumes: finished jobs are never run again. A spec that only adds configurations or seeds (grid values, random samples) runs just the new jobs; one that alters the sweep's jobs is refused with a diff. --new starts afresh.

        Remote workers: ebm-worker --connect tcp://THIS-HOST:PORT (see deploy/README.md).
        """)

    @Argument(help: ArgumentHelp("The sweep spec (YAML), e.g. sweeps/smoke.yaml.", valueName: "spec.yaml")) var spec: String
    @Option(help: ArgumentHelp("Sweep directory (default results/<name>).", valueName: "dir")) var out: String?
    @Option(help: ArgumentHelp("ROUTER endpoint (default tcp://127.0.0.1:* — loopback, a free port).", valueName: "endpoint")) var bind: String?
    @Option(name: .customLong("local-workers"), parsing: .unconditional,
            help: ArgumentHelp("Workers to start here (default: one per core when bound to loopback, else 0).", valueName: "n")) var localWorkers: Int?
    @Option(help: ArgumentHelp("CURVE key directory from `ebm-sweep keygen` (required to bind a non-loopback address).", valueName: "dir")) var curve: String?
    @Flag(help: "Allow a non-loopback bind without CURVE: anyone who can reach the port can submit results.") var insecure = false
    @Flag(help: "Start afresh: a sweep already in --out is moved aside to DIR.<time>, not resumed or grown.") var new = false
    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace | debug | info | notice | warning | error | critical.",
                                                              valueName: "level")) var logLevel: Logger.Level = .info
    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds between heartbeats (workers are lost after 5 missed ones); give remote workers the same --heartbeat.", valueName: "seconds")) var heartbeat: Double = 1

    func validate() throws {
        if let bind, !(bind.hasPrefix("tcp://") || bind.hasPrefix("ipc://")) {
            throw ValidationError("--bind must be an endpoint like tcp://0.0.0.0:5555 or tcp://127.0.0.1:*, got '\(bind)'")
        }
        if let localWorkers, !(0...256).contains(localWorkers) {
            throw ValidationError("--local-workers must be in 0...256, got \(localWorkers)")
        }
        guard heartbeat > 0.05, heartbeat <= 60 else { throw ValidationError("--heartbeat must be in 0.05...60 seconds, got \(heartbeat)") }
    }

    func run() throws {
        // Log lines go above the live table on a terminal, and as service lines (time, level,
        // metadata) into a file or a journal.
        let view = ProgressView()
        let style: ConsoleLogHandler.Style = view.isTerminal ? .terminal : .service
        LoggingSystem.bootstrap { [logLevel] _ in ConsoleLogHandler(level: logLevel, style: style, sink: view.log) }
        let security = Logger(label: "ebm-sweep.security")
        let sweep = try loadSpec(spec)
        let directory = out ?? "results/\(sweep.name)"
        // Held until this process ends (the kernel drops it on any exit): one coordinator per
        // directory. Taken first, so a second coordinator is told who holds the sweep, not that
        // its --bind port is taken.
        var lock = try SweepLock.acquire(directory: directory)
        defer { lock.release() }

        let context = try Context()
        var authenticator: ZAPAuthenticator?
        var handshakes: HandshakeLog?
        let socket = try Socket(context, kind: .router)
        try Coordinator.configure(router: socket)
        if let curve {
            let keys = try CurveKeys.loadServer(directory: curve)
            let names = Dictionary(keys.authorized.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
            // The handler must exist before the CURVE socket binds, or libzmq never asks it.
            authenticator = try ZAPAuthenticator(context: context, allowedClientKeys: Set(keys.authorized.values)) { decision in
                guard !decision.admitted else { return }
                let who = names[decision.publicKey] ?? (decision.publicKey.isEmpty ? "no CURVE key" : "unknown key \(decision.publicKey)")
                security.warning("rejected a worker from \(decision.peerAddress): \(who) (\(decision.mechanism))",
                                 metadata: ["peer": "\(decision.peerAddress)"])
            }
            try socket.set(.curveServer, to: true)
            try socket.set(.curveSecretKey, to: keys.secretKey)
            handshakes = try HandshakeLog(context: context, socket: socket) { line in security.warning("\(line)") }
        }
        let endpoint = bind ?? "tcp://127.0.0.1:*"
        do { try socket.bind(endpoint) } catch {
            throw CommandError("cannot bind \(endpoint): \(error)")
        }
        let bound = try socket.lastEndpoint
        // Decided from the address actually bound: `tcp://127.1:*` binds the interface named 127.1.
        let isLoopback = Endpoint.isLoopback(bound)
        if !isLoopback && curve == nil && !insecure {
            socket.close()
            throw CommandError("--bind \(endpoint) bound \(bound), which other hosts can reach: give --curve DIR (make keys with `ebm-sweep keygen DIR`) or, on a network you trust, --insecure")
        }
        let store = try openStore(sweep: sweep, directory: directory, lock: &lock)
        say("coordinator listening on \(bound)\(curve != nil ? " (CURVE)" : "")")

        let workers = LocalWorkers()
        let count = localWorkers ?? (isLoopback ? ProcessInfo.processInfo.activeProcessorCount : 0)
        if count > 0 {
            guard let executable = LocalWorkers.workerExecutable() else {
                throw CommandError("ebm-worker not found next to ebm-sweep or on PATH; build it (swift build) or pass --local-workers 0")
            }
            let connectTo = bound.replacingOccurrences(of: "0.0.0.0", with: "127.0.0.1")
            try workers.start(count: count, endpoint: connectTo, executable: executable,
                              logDirectory: URL(fileURLWithPath: directory).appendingPathComponent("logs"),
                              extraArguments: ["--heartbeat", "\(heartbeat)", "--log-level", logLevel.rawValue]
                                  + (curve.map { ["--curve", $0] } ?? []),
                              portable: sweep.reproducible == .portable)
            say("started \(count) local worker\(count == 1 ? "" : "s") (logs in \(directory)/logs)")
        } else {
            say("waiting for workers: ebm-worker --connect \(bound)\(curve != nil ? " --curve KEYDIR" : "")\(sweep.reproducible == .portable ? " --portable" : "")")
        }

        StopSignal.install()
        var settings = CoordinatorSettings()
        settings.heartbeatInterval = heartbeat
        let coordinator = try Coordinator(channel: socket, store: store, spec: sweep, settings: settings, view: view)
        coordinator.liveReport = LiveReport(store: store, spec: sweep, directory: directory)
        if count > 0 {
            // With only local workers, a sweep whose workers all died would wait forever.
            coordinator.giveUpWhenIdle = { [workers] in
                workers.allExited && (localWorkers ?? 1) > 0 && bind == nil
                    ? "every local worker exited (see \(directory)/logs); nothing can run the remaining jobs" : nil
            }
        }
        let outcome: Coordinator.Outcome
        let started = Date()
        do {
            outcome = try coordinator.run()
        } catch {
            workers.stop()
            coordinator.liveReport?.waitUntilIdle()
            throw error
        }
        workers.stop()
        // The final report below must not race a live rewrite still building best/.
        coordinator.liveReport?.waitUntilIdle()
        handshakes?.stop()
        socket.close()
        authenticator?.stop()

        let ranked = try SweepArtifacts.write(store: store, spec: sweep, to: directory)
        printSummary(ranked, spec: sweep, directory: directory)
        try printEfficiency(store: store, since: started, wall: Date().timeIntervalSince(started))
        if case .interrupted(let signal) = outcome { throw ExitCode(128 + signal) }
    }

    /// Opens the sweep's database, or creates it. A spec that only adds configurations or seeds
    /// grows the sweep (finished jobs keep their results); one that alters jobs is refused with
    /// the diff. --new always starts afresh, moving any sweep already there aside (the lock file
    /// with it, so `lock` is taken anew on the fresh directory).
    func openStore(sweep: SweepSpec, directory: String, lock: inout SweepLock) throws -> SweepStore {
        let path = (directory as NSString).appendingPathComponent("sweep.sqlite")
        let text: String
        do { text = try SweepSpec.readText(path: spec) } catch { throw SpecFailure(error: error) }
        if FileManager.default.fileExists(atPath: path) && !new {
            let store = try SweepStore.open(at: path)
            if try store.specHash == sweep.planHash { return store }
            let old = try? SweepSpec.parse(yaml: try store.specText, file: try store.specPath)
            let diff = old.map { SpecDiff(from: $0, to: sweep).description } ?? "(the stored spec no longer parses)"
            // Racing's jobs are not the spec's to plan (docs/design.md, "Racing").
            let stored = Set(try store.jobs().map(\.job.id)).subtracting(try store.racedJobIDs())
            let added: [Job]
            switch SpecChange(stored: old, storedJobIDs: stored, new: sweep) {
            case .same: added = []
            case .grows(let jobs): added = jobs
            case .alters(let reason):
                throw CommandError("""
                    \(directory) holds a sweep that this spec would alter: \(reason). Changes:
                    \(diff)
                    A spec may only add configurations or seeds to a sweep. Re-run with --new to start afresh there \
                    (the old one is moved to \(directory).<time>), or give another --out.
                    """)
            }
            // In one transaction: a crash leaves the old sweep or the grown one, never half of it.
            try store.grow(specText: text, specHash: sweep.planHash, specPath: spec, jobs: added)
            say("\(directory): the spec adds \(added.count) job\(added.count == 1 ? "" : "s") to the \(stored.count) "
                + "already there, whose results are kept. Changes:\n\(diff)")
            return store
        }
        if FileManager.default.fileExists(atPath: path) {   // and --new
            let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
            try FileManager.default.moveItem(atPath: directory, toPath: "\(directory).\(stamp)")
            let fresh = try SweepLock.acquire(directory: directory)
            lock.release()
            lock = fresh
            say("moved the old sweep to \(directory).\(stamp)")
        }
        let jobs = Planner.plan(sweep)
        return try SweepStore.create(at: path, name: sweep.name, specText: text, specHash: sweep.planHash,
                                     specPath: spec, jobs: jobs)
    }

    func printSummary(_ ranked: [RankedConfiguration], spec: SweepSpec, directory: String) {
        let varied = Ranking.variedNames(in: ranked)
        say("\nranked by \(spec.metric.rawValue) (\(spec.metric.higherIsBetter ? "higher" : "lower") is better), mean ± std over seeds:")
        for row in ranked.prefix(5) {
            let values = row.hyperparameters.filter { varied.contains($0.name) }.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            let metric = row.metricMean.map { String(format: "%.4f ± %.4f", $0, row.metricStd ?? 0) }
                ?? (row.stoppedAt.map { "stopped at iteration \($0)" } ?? row.status.rawValue)
            say("  #\(row.rank) \(row.configID)  \(metric)  (\(row.nOK) ok)  \(values)")
        }
        if ranked.count > 5 { say("  … \(ranked.count - 5) more in \(directory)/results.md") }
        say("wrote \(directory)/results.csv, results.md, results.tex, runs.csv, figures/, report.html, best/")
    }

    /// Ideal time (the jobs' worker-seconds spread evenly over the workers) over the actual wall
    /// time, for the jobs this invocation finished.
    func printEfficiency(store: SweepStore, since: Date, wall: Double) throws {
        let finished = try store.jobs().filter { ($0.finishedAt ?? .distantPast) >= since && $0.seconds != nil }
        let workers = Set(finished.compactMap(\.worker)).count
        guard workers > 0, wall > 0 else { return }
        let busy = finished.reduce(0) { $0 + ($1.seconds ?? 0) }
        let ideal = busy / Double(workers)
        say(String(format: "%d jobs in %.0f s on %d workers: %.0f worker-seconds, efficiency %.0f%% (ideal %.0f s / actual %.0f s)",
                   finished.count, wall, workers, busy, 100 * ideal / wall, ideal, wall))
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
