#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file the module could not write: `code` is the errno, `message` says which file and what to do.
public struct ReportFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: Int32
    public var path: String
    public var message: String

    public var description: String { "cannot write \(path): \(message)" }
}

/// How every table, figure and page of a sweep or run directory is written: whole and atomically
/// (temp file in the same directory, fsync, rename), so a reader never sees a half-written figure
/// or table and a crash leaves the previous version in place.
public enum ReportFile {
    public static func write(_ text: String, to path: String) throws(ReportFileError) {
        try write(Array(text.utf8), to: path)
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(ReportFileError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw failure(path, "cannot create a temporary file; does the directory exist and is it writable?") }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let error = failure(path, "write failed (disk full?)")
                close(fd)
                unlink(temporary)
                throw error
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let error = failure(path, "fsync failed")
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let error = failure(path, "rename of the temporary file failed")
            unlink(temporary)
            throw error
        }
    }

    private static func failure(_ path: String, _ hint: String) -> ReportFileError {
        let code = errno
        let reason = String(cString: strerror(code))
        return ReportFileError(code: code, path: path, message: "\(hint) (\(reason))")
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
}
