import ArgumentParser

/// A command that parsed fine but could not do its work (a directory without a sweep, a port in
/// use, a changed spec): printed as `Error: …` and exit status 1, without the usage text, which
/// is for mistakes in the command line itself (`ValidationError`, exit status 64).
struct CommandError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
