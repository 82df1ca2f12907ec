/// A command that parsed fine but could not do its work (a directory without a sweep, a port in
/// use, a changed spec): ArgumentParser prints it as `Error: …` with exit status 1 and without the
/// usage text, which is for mistakes in the command line itself (`ValidationError`, exit status
/// 64). Here, not in a CLI, because both commands and the work they call into (`SweepRun`) throw it.
public struct CommandError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
