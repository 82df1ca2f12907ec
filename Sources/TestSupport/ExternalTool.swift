import Foundation

/// A system program a test checks its output with (pdflatex, rsvg-convert, chromium): found on PATH,
/// run to completion under a deadline, its output captured. `make deps` installs them; a missing one
/// fails the test with the package to install rather than skipping it.
public enum ExternalTool {
    /// The executable's path, or nil when it is not on PATH.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `name arguments` in `directory`; throws when the program is missing or overruns `timeout`.
    public static func run(_ name: String, _ arguments: [String], in directory: URL, timeout: TimeInterval = 120,
                           package: String) throws -> (status: Int32, output: String) {
        guard let executable = find(name) else {
            throw ProcessHarness.Failure(description: "\(name) not found on PATH: install \(package) (make deps)")
        }
        let harness = try ProcessHarness(label: "tool")
        let child = try harness.startExecutable(URL(fileURLWithPath: executable), arguments, name: name,
                                                currentDirectory: directory)
        guard let status = child.waitForExit(timeout: timeout) else {
            child.signal(SIGKILL)
            _ = child.waitForExit(timeout: 5)
            throw ProcessHarness.Failure(description: "\(name) \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
        }
        return (status, child.output)
    }
}
