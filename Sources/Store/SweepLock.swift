import Foundation

/// One coordinator per sweep directory: an exclusive `flock(2)` on `<directory>/sweep.lock`, held
/// for the coordinator's whole life (docs/design.md, "One coordinator per sweep").
///
/// The kernel drops the lock when the process ends, however it ends (kill -9 included), so there is
/// never a stale lock to clean up: whether the file exists says nothing, whether it is locked says
/// everything. The holder writes its pid, host and start time into the file after locking, so a
/// second coordinator can name it and `ebm-sweep status` can tell a live sweep from a dead one.
///
/// The descriptor is opened close-on-exec: local workers must not inherit it, or an orphaned
/// worker would keep the sweep locked after its coordinator died.
public final class SweepLock {
    public static let fileName = "sweep.lock"

    /// Who holds (or last held) a sweep's lock, as it wrote itself into the lock file.
    public struct Holder: Equatable, Sendable, CustomStringConvertible {
        public var pid: Int32
        public var host: String
        /// When it took the lock (ISO 8601 text as written).
        public var since: String

        public init(pid: Int32, host: String, since: String) {
            self.pid = pid
            self.host = host
            self.since = since
        }

        public var description: String { "pid \(pid) on \(host) since \(since)" }
    }

    /// What `probe(directory:)` found.
    public enum State: Equatable, Sendable {
        /// A live process holds the lock; `holder` is nil if it has not written itself yet.
        case held(by: Holder?)
        /// Nobody holds it; `last` is who held it last, if the file says.
        case free(last: Holder?)
    }

    public let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { release() }

    /// Takes the lock on `directory` (created if missing) and writes this process into it.
    /// - Parameter patience: seconds to keep trying while another process holds it (`status`
    ///   probes hold it for microseconds); a coordinator is refused after that.
    /// - Throws: `SweepLockError` naming the holder if another process holds the lock, or saying
    ///   why the file cannot be opened.
    public static func acquire(directory: String, patience: Double = 0.5) throws(SweepLockError) -> SweepLock {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SweepLockError(directory: directory, holder: nil,
                                 reason: "cannot create the directory: \(error.localizedDescription)")
        }
        let path = (directory as NSString).appendingPathComponent(fileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw SweepLockError(directory: directory, holder: nil, reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(patience)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK, Date() < deadline else {
                let holder = readHolder(fd)
                close(fd)
                if code != EWOULDBLOCK {
                    throw SweepLockError(directory: directory, holder: nil, reason: "cannot lock \(path): \(String(cString: strerror(code)))")
                }
                throw SweepLockError(directory: directory, holder: holder, reason: nil)
            }
            usleep(20_000)
        }
        let lock = SweepLock(path: path, descriptor: fd)
        lock.writeHolder()
        return lock
    }

    /// Whether a process holds `directory`'s lock, without taking it for more than an instant and
    /// without creating anything (the directory may be read-only to the caller).
    public static func probe(directory: String) -> State {
        let path = (directory as NSString).appendingPathComponent(fileName)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .free(last: nil) }
        defer { close(fd) }
        let holder = readHolder(fd)
        while flock(fd, LOCK_SH | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            return .held(by: holder)
        }
        flock(fd, LOCK_UN)
        return .free(last: holder)
    }

    /// Lets go of the lock (also done by deinit, and by the kernel when the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    // MARK: The holder line

    /// `pid PID host HOST since TIME`, one line; rewritten in place (the lock, not the text, is
    /// the truth, so a torn read only costs the name).
    private func writeHolder() {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0 ? Self.printable(String(cString: name)) : "?"
        let since = ISO8601DateFormatter().string(from: Date())
        let line = Array("pid \(getpid()) host \(host.isEmpty ? "?" : host) since \(since)\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = line.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Reads at most 512 bytes: the file is anyone's to write, so its text is bounded and checked.
    private static func readHolder(_ fd: Int32) -> Holder? {
        var bytes = [UInt8](repeating: 0, count: 512)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return parse(String(decoding: bytes.prefix(count), as: UTF8.self))
    }

    /// Parses the holder line; nil unless it has a positive pid, a host and a time.
    static func parse(_ text: String) -> Holder? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard words.count >= 6, words[0] == "pid", words[2] == "host", words[4] == "since",
              let pid = Int32(words[1]), pid > 0 else { return nil }
        return Holder(pid: pid, host: printable(words[3]), since: printable(words[5]))
    }

    /// At most 128 printable ASCII characters, so a hostile file cannot reach the terminal raw.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { (0x21...0x7E).contains($0.value) }.prefix(128)))
    }
}

/// A sweep directory that another coordinator holds, or whose lock file cannot be used.
public struct SweepLockError: Error, CustomStringConvertible, Sendable {
    public let directory: String
    /// The coordinator holding the directory, when that is the problem and it wrote itself down.
    public let holder: SweepLock.Holder?
    /// Set when the lock could not be tried at all (permissions, a missing filesystem).
    public let reason: String?

    public var description: String {
        if let reason { return "\(directory): \(reason)" }
        let who = holder.map { "coordinator \($0)" } ?? "another coordinator"
        return "\(directory) is in use by \(who): one sweep directory takes one coordinator. "
            + "Wait for it to finish, stop it, or give another --out."
    }
}
