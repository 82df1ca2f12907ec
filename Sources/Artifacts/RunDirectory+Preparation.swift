#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checking `train --out` before any training time is spent: a run is minutes of work, and
/// neither an overwritten earlier run nor a directory found unwritable afterwards is acceptable.
extension RunDirectory {
    /// Why a directory cannot take a run: one sentence naming it and what to do.
    public struct OutputError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Makes `directory` ready for `write(result:...)`: creates it and its parents, refuses one
    /// that already holds files unless `force` (an empty one, say from `mktemp -d` or a run killed
    /// while training, is fine), and creates and removes a probe file to prove it is writable.
    public static func prepare(_ directory: String, force: Bool) throws(OutputError) {
        guard !directory.isEmpty else { throw OutputError(description: "--out is empty; give a directory.") }
        try makeDirectories(directory)
        let entries = try contents(of: directory)
        if !entries.isEmpty && !force {
            let runFiles = entries.filter { [checkpointFile, "metrics.json", "samples.csv"].contains($0) }.sorted()
            throw OutputError(description: runFiles.isEmpty
                ? "\(directory) is not empty; give another --out, or --force to write the run's files into it."
                : "\(directory) already holds a run (\(runFiles.joined(separator: ", "))); give another --out, or --force to overwrite it.")
        }
        let probe = directory + "/.ebm-write-probe-\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw failure(errno, "cannot write in \(directory)") }
        close(fd)
        unlink(probe)
    }

    /// `mkdir -p`: each missing component in turn, so the error names the one that failed.
    private static func makeDirectories(_ directory: String) throws(OutputError) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o777) == 0 || errno == EEXIST { continue }
            throw failure(errno, "cannot create \(prefix)")
        }
        var info = stat()
        guard stat(directory, &info) == 0 else { throw failure(errno, "cannot use \(directory)") }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw OutputError(description: "\(directory) exists and is not a directory; give another --out.")
        }
    }

    /// The directory's entries, `.` and `..` left out.
    private static func contents(of directory: String) throws(OutputError) -> [String] {
        guard let stream = opendir(directory) else { throw failure(errno, "cannot read \(directory)") }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// `what: <the C library's reason>.` (errno is read before `what` is built, by the caller).
    private static func failure(_ code: Int32, _ what: String) -> OutputError {
        OutputError(description: "\(what): \(String(cString: strerror(code))).")
    }
}
