import Foundation
import Logging
import Synchronization
import Testing
@testable import Cluster

/// The programs' log lines, checked through a sink (never by bootstrapping the logging system).
@Suite("Console log lines")
struct ConsoleLogHandlerTests {
    /// Collects what the handler writes.
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    func logger(_ style: ConsoleLogHandler.Style, level: Logger.Level = .info, into lines: Lines) -> Logger {
        Logger(label: "test") { _ in ConsoleLogHandler(level: level, style: style, sink: lines.append) }
    }

    @Test("A service line is time, level, message and sorted key=value metadata")
    func serviceLine() throws {
        let lines = Lines()
        var log = logger(.service, into: lines)
        log[metadataKey: "worker.id"] = "w1"
        log.warning("job lost", metadata: Logger.job("abc-s0", attempt: 2))
        let line = try #require(lines.all.first)
        let fields = line.split(separator: " ").map(String.init)
        #expect(fields.count == 7, "\(line)")
        #expect(fields[0].hasSuffix("Z") && fields[0].contains("T"))   // ISO 8601, UTC
        #expect(line.hasSuffix(" warning job lost attempt=2 job.id=abc-s0 worker.id=w1"), "\(line)")
    }

    @Test("A terminal line is the message, prefixed by its level from warning up; below the level nothing is written")
    func terminalLine() {
        let lines = Lines()
        let log = logger(.terminal, level: .notice, into: lines)
        log.info("worker w1 joined")
        log.notice("interrupted")
        log.error("disk full", metadata: ["sweep.name": "s"])
        #expect(lines.all == ["interrupted", "error: disk full"])
    }
}
