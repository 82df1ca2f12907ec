/// One mistake in a sweep spec, located precisely enough to fix it without reading the parser:
/// `sweeps/x.yaml:12: grid.langevin_step_size[1]: must be a number greater than 0, got -0.001`.
public struct SpecIssue: Hashable, Sendable, CustomStringConvertible {
    /// The spec file as the user named it.
    public var file: String
    /// 1-based line of the offending node (the key's line for a missing or misplaced key).
    public var line: Int
    /// 1-based column, counted in Unicode scalars as libyaml does.
    public var column: Int
    /// Dotted key path with list indices: `grid.lr[1]`, `random.lr.log_uniform`; empty for the document.
    public var keyPath: String
    /// What is wrong and, where we can tell, how to fix it.
    public var message: String

    public init(file: String, line: Int, column: Int, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        // Line 0: the file as a whole (it could not be read).
        let place = line > 0 ? "\(file):\(line)" : file
        return keyPath.isEmpty ? "\(place): \(message)" : "\(place): \(keyPath): \(message)"
    }
}

/// Why a sweep spec was refused. Holds EVERY issue found, so one run of `ebm-sweep plan` shows all
/// the mistakes of a file at once; printing it gives one issue per line, ordered by line.
public struct SweepSpecError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The file could not be read (missing, not UTF-8).
        case unreadable
        /// The text is not YAML (libyaml's scanner or parser refused it).
        case syntax
        /// Valid YAML that is not a valid sweep (unknown key, wrong type, value out of range...).
        case invalid
    }

    public var code: Code
    /// Sorted by line, then column.
    public var issues: [SpecIssue]

    public init(code: Code, issues: [SpecIssue]) {
        self.code = code
        self.issues = issues.sorted { ($0.line, $0.column, $0.keyPath) < ($1.line, $1.column, $1.keyPath) }
    }

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
