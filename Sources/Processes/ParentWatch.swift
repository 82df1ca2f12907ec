import Foundation

/// A local worker's tie to the coordinator that started it: when that process is gone (kill -9,
/// a crash, a `| head` that closed its output), the worker exits within `interval` seconds
/// instead of retrying a port nobody will listen on again (docs/design.md, "Local workers").
///
/// The watch compares `getppid()` with the pid the coordinator passed on the command line: a
/// dead parent's children are re-parented at once, so the two differ from then on, and a parent
/// that died before the watch started is caught by the first check. (Linux's PR_SET_PDEATHSIG
/// would be faster, but `prctl` is variadic and out of Swift's reach without a C shim; a few
/// checks a second cost nothing.)
public enum ParentWatch {
    /// Starts a thread that ends the process when `parent` is no longer its parent. Nothing is
    /// handed back: the jobs' coordinator is gone, and the next one requeues them.
    public static func start(parent: pid_t, interval: Double = 0.2, log: @escaping @Sendable (String) -> Void) {
        let thread = Thread {
            while getppid() == parent { Thread.sleep(forTimeInterval: interval) }
            log("coordinator (pid \(parent)) is gone; exiting")
            _exit(EXIT_FAILURE)
        }
        thread.name = "parent-watch"
        thread.start()
    }
}
