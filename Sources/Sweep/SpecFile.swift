import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a spec file: bounded (`SweepSpec.maxFileBytes`: reading stops there, so /dev/zero costs
/// 1 MiB), and with the reason a person expects when it fails ("no such file", "permission
/// denied"), not a generic "cannot read".
enum SpecFile {
    /// The file's text.
    /// - Throws: `.unreadable` naming the file and the reason.
    static func text(at path: String) throws(SweepSpecError) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw failure(path, reason(errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, reason(errno))
            }
            if n == 0 { break }
            bytes += chunk[..<n]
            if bytes.count > SweepSpec.maxFileBytes { throw failure(path, tooLarge(path)) }
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw failure(path, "is not UTF-8 text; save it as UTF-8")
        }
        return text
    }

    static func tooLarge(_ path: String) -> String {
        var info = stat()
        // A regular file says its size; /dev/zero or a pipe only that it went past the limit.
        let size = stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : 0
        let sizeText = size > SweepSpec.maxFileBytes ? "is \(size) bytes" : "is more than \(SweepSpec.maxFileBytes) bytes"
        return "\(sizeText); a sweep spec may be at most "
            + "\(SweepSpec.maxFileBytes) bytes (1 MiB): describe large searches with random: instead of long lists"
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file; check the path (the sweeps/ folder has examples)"
        case EACCES: "permission denied; check the file's permissions"
        case EISDIR: "is a directory; give the spec file (a .yaml) in it"
        default: "cannot read the file: \(String(cString: strerror(code)))"
        }
    }

    static func failure(_ path: String, _ message: String) -> SweepSpecError {
        SweepSpecError(code: .unreadable, issues: [SpecIssue(file: path, line: 0, column: 0, keyPath: "", message: message)])
    }
}
