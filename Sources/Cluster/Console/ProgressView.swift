import Foundation
import Sweep

/// A snapshot of a sweep for the live display.
public struct SweepProgress: Sendable {
    public struct RunningJob: Sendable {
        public var jobID: String
        public var worker: String
        public var iteration: Int
        public var iterations: Int
        public var loss: Double
        public init(jobID: String, worker: String, iteration: Int, iterations: Int, loss: Double) {
            self.jobID = jobID
            self.worker = worker
            self.iteration = iteration
            self.iterations = iterations
            self.loss = loss
        }
    }

    public var total = 0
    public var ok = 0
    public var diverged = 0
    public var failed = 0
    /// Jobs the early-stopping rule stopped (at a rung, or before they started).
    public var stopped = 0
    /// Of `stopped`, the jobs of configurations the rule never runs (their Langevin noise floor).
    public var notRun = 0
    public var workers = 0
    public var running: [RunningJob] = []
    /// The best configuration so far: id, metric name, mean.
    public var best: (configID: String, metric: String, mean: Double)?
    /// Seconds since this coordinator started.
    public var elapsed: Double = 0
    /// Seconds left, by `RemainingTime`; nil while it cannot tell.
    public var eta: Double?

    public init() {}

    public var finished: Int { ok + diverged + failed + stopped }
    public var pending: Int { max(0, total - finished - running.count) }
}

/// Shows sweep progress: a table redrawn in place on a terminal, a plain log line otherwise.
///
/// Log lines (`log`, the sink of the coordinator's `ConsoleLogHandler`) may come from any thread;
/// a lock keeps each line and each redraw whole.
public final class ProgressView: @unchecked Sendable {
    private let output: FileHandle
    public let isTerminal: Bool
    private let lock = NSLock()
    private var drawnLines = 0
    private var lastLine = ""
    private var lastLogTime: Double = -.infinity
    /// Seconds between log lines when the output is not a terminal.
    public var logInterval: Double = 10

    public init(output: FileHandle = .standardError, isTerminal: Bool? = nil) {
        self.output = output
        self.isTerminal = isTerminal ?? (isatty(output.fileDescriptor) == 1)
    }

    public func update(_ progress: SweepProgress, force: Bool = false) {
        lock.withLock { draw(progress, force: force) }
    }

    private func draw(_ progress: SweepProgress, force: Bool) {
        if isTerminal {
            redraw(lines: Self.table(progress))
        } else {
            let line = Self.summary(progress)
            guard force || (line != lastLine && progress.elapsed - lastLogTime >= logInterval) else { return }
            lastLine = line
            lastLogTime = progress.elapsed
            write(line + "\n")
        }
    }

    /// Prints a message above the live table (a worker joined, a job failed...).
    public func log(_ message: String) {
        lock.withLock {
            if isTerminal { clear() }
            write(message + "\n")
        }
    }

    /// Leaves the last table on screen.
    public func finish(_ progress: SweepProgress) {
        lock.withLock {
            if isTerminal {
                redraw(lines: Self.table(progress))
                drawnLines = 0
            } else {
                draw(progress, force: true)
            }
        }
    }

    public static func summary(_ p: SweepProgress) -> String {
        var parts = ["jobs \(p.finished)/\(p.total) finished", "\(p.running.count) running", "\(p.pending) pending"]
        if p.failed > 0 { parts.append("\(p.failed) failed") }
        if p.diverged > 0 { parts.append("\(p.diverged) diverged") }
        if p.stopped > p.notRun { parts.append("\(p.stopped - p.notRun) stopped early") }
        if p.notRun > 0 { parts.append("\(p.notRun) not run") }
        parts.append("\(p.workers) workers")
        if let best = p.best { parts.append("best \(best.configID) \(best.metric) \(format(best.mean))") }
        if let eta = p.eta { parts.append("eta \(duration(eta))") }
        return parts.joined(separator: " · ")
    }

    public static func table(_ p: SweepProgress) -> [String] {
        var lines = [summary(p)]
        for job in p.running.sorted(by: { $0.jobID < $1.jobID }).prefix(12) {
            let fraction = Double(job.iteration) / Double(max(1, job.iterations))
            let bar = String(repeating: "█", count: Int(fraction * 20)) + String(repeating: "·", count: 20 - Int(fraction * 20))
            let loss = job.loss.isFinite ? format(job.loss) : "—"
            lines.append("  \(job.jobID.padding(toLength: 18, withPad: " ", startingAt: 0)) \(bar) \(job.iteration)/\(job.iterations) loss \(loss) on \(job.worker)")
        }
        if p.running.count > 12 { lines.append("  … and \(p.running.count - 12) more") }
        return lines
    }

    static func format(_ value: Double) -> String {
        String(format: abs(value) >= 1e4 || (abs(value) < 1e-3 && value != 0) ? "%.3e" : "%.4f", value)
    }

    /// A duration as "1h02m", "3m05s" or "42s" (a week and more as "≥ 168h").
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 7 * 86_400 else { return "≥ 168h" }
        let s = Int(max(0, seconds).rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }

    private func clear() {
        guard drawnLines > 0 else { return }
        write(String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawnLines))
        drawnLines = 0
    }

    private func redraw(lines: [String]) {
        clear()
        write(lines.map { "\u{1B}[2K" + $0 }.joined(separator: "\n") + "\n")
        drawnLines = lines.count
    }

    private func write(_ text: String) {
        output.write(Data(text.utf8))
    }
}
