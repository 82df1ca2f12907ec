import Artifacts
import EBMCore
import Foundation
import Logging
import Processes
import Store
import Sweep
import Wire
import ZeroMQ

/// `ebm-sweep run SPEC` from a parsed command line to the ranked report: takes the sweep
/// directory's lock, binds the coordinator's socket, opens the store (new, resumed or grown),
/// starts local workers, runs the coordinator, stops everything it started however the run ends,
/// and writes the final tables. Failures are `CommandError`s (or the store's and the spec's own
/// errors), never the command line's.
public struct SweepRun {
    public let sweep: SweepSpec
    /// The spec file, stored with the sweep so a resume can tell what changed.
    public let specPath: String
    /// The sweep directory (results/<name> unless told otherwise).
    public let directory: String
    /// The ROUTER endpoint; nil binds loopback on a free port.
    public var bind: String?
    /// Workers to start here; nil starts one per core when bound to loopback, else none.
    public var localWorkers: Int?
    /// CURVE key directory (`ebm-sweep keygen`); required for a non-loopback bind unless `insecure`.
    public var curve: String?
    public var insecure = false
    /// Start afresh: a sweep already in `directory` is moved aside, not resumed or grown.
    public var new = false
    public var logLevel: Logger.Level = .info
    /// Seconds between heartbeats, passed on to the local workers.
    public var heartbeat: Double = 1
    /// Where the run's lines for its user go (standard output, unbuffered, in the command).
    public var say: (String) -> Void = { print($0) }

    public init(sweep: SweepSpec, specPath: String, directory: String? = nil) {
        self.sweep = sweep
        self.specPath = specPath
        self.directory = directory ?? "results/\(sweep.name)"
    }

    /// Runs the sweep to its end (or a stop signal) and writes its report; returns how it ended.
    public func run(view: ProgressView) throws -> Coordinator.Outcome {
        let security = Logger(label: "ebm-sweep.security")
        // Held until this process ends (the kernel drops it on any exit): one coordinator per
        // directory. Taken first, so a second coordinator is told who holds the sweep, not that
        // its --bind port is taken.
        var lock = try SweepLock.acquire(directory: directory)
        defer { lock.release() }
        let (outcome, store, started) = try coordinate(lock: &lock, view: view, security: security)
        let ranked = try SweepArtifacts.write(store: store, spec: sweep, to: directory)
        printSummary(ranked, spec: sweep, directory: directory)
        try printEfficiency(store: store, since: started, wall: Date().timeIntervalSince(started))
        return outcome
    }

    /// The socket, the store, the local workers and the coordinator's loop. Whatever way this
    /// returns, the workers are stopped, no live rewrite of the report is still running (the
    /// final one must not race it building best/) and the socket and its handlers are closed.
    private func coordinate(lock: inout SweepLock, view: ProgressView, security: Logger) throws
        -> (outcome: Coordinator.Outcome, store: SweepStore, started: Date) {
        var settings = CoordinatorSettings()
        settings.heartbeatInterval = heartbeat
        let listener = try Transport.Listener(liveness: settings.liveness, curve: try curve.map(CurveKeys.loadServer(directory:)),
                                              security: security)
        defer { listener.close() }
        let endpoint = bind ?? "tcp://127.0.0.1:*"
        let bound: String
        do { bound = try listener.bind(endpoint) } catch {
            throw CommandError("cannot bind \(endpoint): \(error)")
        }
        // Decided from the address actually bound: `tcp://127.1:*` binds the interface named 127.1.
        let isLoopback = Endpoint.isLoopback(bound)
        if !isLoopback && curve == nil && !insecure {
            throw CommandError("--bind \(endpoint) bound \(bound), which other hosts can reach: give --curve DIR (make keys with `ebm-sweep keygen DIR`) or, on a network you trust, --insecure")
        }
        let store = try openStore(lock: &lock)
        say("coordinator listening on \(bound)\(curve != nil ? " (CURVE)" : "")")

        let liveReport = LiveReport(store: store, spec: sweep, directory: directory)
        let workers = LocalWorkers()
        defer {
            workers.stop()
            liveReport.waitUntilIdle()
        }
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
        let coordinator = try Coordinator(channel: listener.socket, store: store, spec: sweep, settings: settings, view: view)
        coordinator.liveReport = liveReport
        if count > 0 {
            // With only local workers, a sweep whose workers all died would wait forever.
            coordinator.giveUpWhenIdle = { [workers, localWorkers, bind, directory] in
                workers.allExited && (localWorkers ?? 1) > 0 && bind == nil
                    ? "every local worker exited (see \(directory)/logs); nothing can run the remaining jobs" : nil
            }
        }
        let started = Date()
        return (try coordinator.run(), store, started)
    }
}
