import Foundation
import Logging

/// The programs' log lines: one per event, to a sink (standard error, or the coordinator's live
/// table, which must clear itself before a line is written above it).
///
/// Two styles. `.service` (a worker, or a coordinator writing to a file): an ISO 8601 time, the
/// level, the message and the metadata as `key=value`, so a node under systemd or Slurm reads like
/// any Swift service and a line can be grepped by `job.id` or `worker.id`. `.terminal` (a person
/// watching a coordinator): the message alone, prefixed by its level from `warning` up.
public struct ConsoleLogHandler: LogHandler {
    public enum Style: Sendable { case service, terminal }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let style: Style
    let sink: @Sendable (String) -> Void

    public init(level: Logger.Level, style: Style, sink: @escaping @Sendable (String) -> Void) {
        self.logLevel = level
        self.style = style
        self.sink = sink
    }

    /// Writes lines to standard error, whole (one write each, so threads do not interleave them).
    public static func standardError(level: Logger.Level, style: Style) -> ConsoleLogHandler {
        ConsoleLogHandler(level: level, style: style) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink(line(event))
    }

    func line(_ event: LogEvent) -> String {
        switch style {
        case .terminal:
            return (event.level >= .warning ? "\(event.level): " : "") + event.message.description
        case .service:
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { _, new in new } }
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return ([Self.timestamp(), "\(event.level)", event.message.description] + fields).joined(separator: " ")
        }
    }

    static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}

extension Logger {
    /// Metadata of one job attempt: `job.id`, `attempt` and, when known, `worker.id`.
    public static func job(_ jobID: String, attempt: Int? = nil, worker: String? = nil) -> Metadata {
        var m: Metadata = ["job.id": "\(jobID)"]
        if let attempt { m["attempt"] = "\(attempt)" }
        if let worker { m["worker.id"] = "\(worker)" }
        return m
    }

    /// Metadata naming a worker.
    public static func worker(_ worker: String) -> Metadata { ["worker.id": "\(worker)"] }
}
