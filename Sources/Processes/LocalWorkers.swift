// Processes: the processes ebm-sweep and ebm-worker start or answer to — local workers, the tie to a parent, OpenBLAS's load-time re-exec.

import Foundation

/// Worker processes the coordinator starts itself when no remote workers are expected, so that
/// `ebm-sweep run SPEC` alone runs a whole sweep on a laptop.
public final class LocalWorkers {
    public private(set) var processes: [Process] = []

    public struct LogFileError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The `ebm-worker` executable next to the running `ebm-sweep`.
    public static func workerExecutable() -> URL? {
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var candidates = [own.deletingLastPathComponent().appendingPathComponent("ebm-worker")]
        if let path = ProcessInfo.processInfo.environment["PATH"] {
            candidates += path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("ebm-worker") }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    public init() {}

    /// Starts `count` workers connected to `endpoint`; their output goes to `logDirectory`.
    /// `portable` starts them with `--portable` (the common BLAS kernels, the same bits on every node).
    public func start(count: Int, endpoint: String, executable: URL, logDirectory: URL, extraArguments: [String] = [],
                      portable: Bool = false) throws {
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        for index in 0..<count {
            let process = Process()
            process.executableURL = executable
            // --parent-pid: the worker exits when this process dies, however it dies.
            process.arguments = ["--connect", endpoint, "--name", "local-\(index + 1)", "--parent-pid", "\(getpid())"]
                + extraArguments + (portable ? ["--portable"] : [])
            let log = logDirectory.appendingPathComponent("worker-\(index + 1).log")
            // Appended, never truncated: a restart must not delete what the last run's workers said.
            let fd = open(log.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw LogFileError(description: "cannot open \(log.path): \(String(cString: strerror(errno)))") }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            // The worker starts with OpenBLAS set up as it would set itself up, so it need not re-execute.
            process.environment = OpenBLASEnvironment.adjusted(ProcessInfo.processInfo.environment, portable: portable)
            try process.run()
            try? handle.close()   // the child has its own copy
            processes.append(process)
        }
    }

    /// True when every started worker has exited (and at least one was started).
    public var allExited: Bool { !processes.isEmpty && processes.allSatisfy { !$0.isRunning } }

    /// Asks every worker to stop (SIGTERM), waits up to `grace` seconds, then kills the rest.
    public func stop(grace: TimeInterval = 5) {
        for process in processes where process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(grace)
        while processes.contains(where: \.isRunning) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for process in processes { process.waitUntilExit() }
        processes.removeAll()
    }

    deinit { stop(grace: 1) }
}
