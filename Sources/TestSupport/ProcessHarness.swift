import Foundation

/// Starts the built `ebm-sweep` and `ebm-worker` products as real processes for integration tests
/// (argument-parser's AssertExecuteCommand pattern): hard deadlines, polling instead of sleeping,
/// and every child killed when the harness goes away.
public final class ProcessHarness: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A started child with its combined output in a log file.
    public final class Child: @unchecked Sendable {
        public let process: Process
        public let log: URL
        public let name: String

        init(process: Process, log: URL, name: String) {
            self.process = process
            self.log = log
            self.name = name
        }

        public var pid: Int32 { process.processIdentifier }
        public var isRunning: Bool { process.isRunning }
        public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        public func signal(_ signal: Int32) {
            if process.isRunning { kill(process.processIdentifier, signal) }
        }

        /// Waits for the exit and returns the status, or nil at the deadline.
        public func waitForExit(timeout: TimeInterval) -> Int32? {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning {
                if Date() > deadline { return nil }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return process.terminationStatus
        }
    }

    public let directory: URL
    private var children: [Child] = []
    private let lock = NSLock()

    /// A fresh temporary directory that holds the children's logs and whatever the test writes.
    public init(label: String = "it") throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ebm-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        for child in children where child.isRunning {
            kill(child.pid, SIGKILL)
            child.process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The directory holding the built executables: beside the test bundle, or `EBM_BIN_DIR`.
    public static func productsDirectory() throws -> URL {
        if let dir = ProcessInfo.processInfo.environment["EBM_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        var candidates: [URL] = []
        let test = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = test.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir)
            dir = dir.deletingLastPathComponent()
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("ebm-sweep").path) }) {
            return found
        }
        throw Failure(description: "ebm-sweep not found beside \(test.path); build with `swift build --build-tests` or set EBM_BIN_DIR")
    }

    /// Starts a built product (`ebm-sweep` or `ebm-worker`) with arguments.
    @discardableResult
    public func start(_ product: String, _ arguments: [String], name: String? = nil,
                      environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> Child {
        let executable = try Self.productsDirectory().appendingPathComponent(product)
        return try startExecutable(executable, arguments, name: name ?? product, environment: environment,
                                   currentDirectory: currentDirectory)
    }

    @discardableResult
    public func startExecutable(_ executable: URL, _ arguments: [String], name: String,
                                environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> Child {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_NUM_THREADS"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = currentDirectory ?? directory
        let log = directory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(6)).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let child = Child(process: process, log: log, name: name)
        lock.withLock { children.append(child) }
        return child
    }

    /// Runs a product to completion and returns (status, output); kills it at the deadline.
    public func run(_ product: String, _ arguments: [String], timeout: TimeInterval = 120,
                    environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let child = try start(product, arguments, environment: environment)
        guard let status = child.waitForExit(timeout: timeout) else {
            child.signal(SIGKILL)
            _ = child.waitForExit(timeout: 5)
            throw Failure(description: "\(product) \(arguments.joined(separator: " ")) did not finish in \(timeout) s:\n\(child.output)")
        }
        return (status, child.output)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure(description: "bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
    @discardableResult
    public static func poll(timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }
}
