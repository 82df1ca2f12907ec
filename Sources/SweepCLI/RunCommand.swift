import ArgumentParser
import Cluster
import Logging

/// `ebm-sweep run SPEC`: the coordinator. Parses and checks the command line; the run itself
/// (lock, socket, store, local workers, coordinator, final tables) is `SweepRun`'s.
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
        var run = SweepRun(sweep: try loadSpec(spec), specPath: spec, directory: out)
        run.bind = bind
        run.localWorkers = localWorkers
        run.curve = curve
        run.insecure = insecure
        run.new = new
        run.logLevel = logLevel
        run.heartbeat = heartbeat
        run.say = say
        if case .interrupted(let signal) = try run.run(view: view) { throw ExitCode(128 + signal) }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
