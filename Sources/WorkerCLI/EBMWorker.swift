// WorkerCLI: the ebm-worker executable — argument parsing around Cluster's Worker.

import ArgumentParser
import Cluster
import EBMCore
import Foundation
import Logging
import Processes

/// `ebm-worker --connect tcp://HOST:PORT`: trains jobs for a coordinator until it says the sweep is done.
@main
struct EBMWorker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ebm-worker",
        abstract: "Train EBM jobs for an ebm-sweep coordinator.",
        discussion: """
        Start one per core on each node (by hand, systemd, Slurm or Kubernetes: see deploy/README.md). The worker waits for its coordinator, reconnects when it goes away, and exits 0 when the sweep is done or on SIGTERM (after handing its job back).
        """,
        version: Hardware.buildVersion)

    @Option(help: ArgumentHelp("The coordinator's endpoint, e.g. tcp://head-node:5555.", valueName: "endpoint")) var connect: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Jobs run at once (each uses one core).", valueName: "n")) var slots: Int = 1
    @Option(help: ArgumentHelp("Worker id shown in tables and logs (default HOST-PID); letters, digits, '.', '_', '-'.", valueName: "name")) var name: String?
    @Option(help: ArgumentHelp("CURVE key directory with worker.secret, worker.public and coordinator.public (ebm-sweep keygen).", valueName: "dir")) var curve: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds between heartbeats; the coordinator's --heartbeat.", valueName: "seconds")) var heartbeat: Double = 1
    @Option(name: .customLong("parent-pid"), parsing: .unconditional,
            help: ArgumentHelp("Exit as soon as process PID is no longer this worker's parent (ebm-sweep passes its own pid to its local workers).",
                               valueName: "pid"))
    var parentPid: Int32?
    @Flag(help: "Run OpenBLAS's common kernels (Haswell on x86-64) instead of the CPU's fastest, so every node computes the same bits.")
    var portable = false
    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace | debug | info | notice | warning | error | critical.",
                                                              valueName: "level")) var logLevel: Logger.Level = .info

    func validate() throws {
        guard connect.hasPrefix("tcp://") || connect.hasPrefix("ipc://") || connect.hasPrefix("inproc://"),
              connect.contains(":") else {
            throw ValidationError("--connect must be an endpoint like tcp://HOST:PORT, got '\(connect)'")
        }
        guard (1...256).contains(slots) else { throw ValidationError("--slots must be in 1...256, got \(slots)") }
        guard heartbeat > 0.05, heartbeat <= 60 else { throw ValidationError("--heartbeat must be in 0.05...60 seconds, got \(heartbeat)") }
        if let parentPid, parentPid <= 1 { throw ValidationError("--parent-pid must be a process id above 1, got \(parentPid)") }
        if let name, !Self.isValidName(name) {
            throw ValidationError("--name must be 1-128 letters, digits, '.', '_' or '-', got '\(name)'")
        }
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128 && name.unicodeScalars.allSatisfy { CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-").contains($0) }
    }

    static func defaultName() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "worker"
        let safe = String(host.unicodeScalars.map { isValidName(String($0)) ? Character($0) : "-" }).prefix(100)
        return "\(safe.isEmpty ? "worker" : String(safe))-\(ProcessInfo.processInfo.processIdentifier)"
    }

    func run() throws {
        BLAS.setSingleThreaded()
        if portable, let family = Hardware.portableBLASKernel, BLAS.kernel != family {
            throw CommandError("--portable needs OpenBLAS's \(family) kernels, but it runs \(BLAS.kernel) (started through a loader or emulator?): start ebm-worker directly, or with OPENBLAS_CORETYPE=\(family)")
        }
        StopSignal.install()
        LoggingSystem.bootstrap { [logLevel] _ in ConsoleLogHandler.standardError(level: logLevel, style: .service) }
        let logger = Logger(label: "ebm-worker")
        if let parentPid {
            ParentWatch.start(parent: parentPid) { logger.notice("\($0)") }
        }
        var settings = WorkerSettings(endpoint: connect, name: name ?? Self.defaultName())
        settings.slots = slots
        settings.heartbeatInterval = heartbeat
        if let curve { settings.curve = try CurveKeys.loadClient(directory: curve) }
        let worker = try Worker(settings: settings, logger: logger)
        _ = try worker.run()
    }

    /// Sets OpenBLAS's kernels and threads before anything runs (see `OpenBLASEnvironment`).
    static func main() {
        OpenBLASEnvironment.ensure(portable: CommandLine.arguments.dropFirst().contains("--portable"))
        main(nil)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
