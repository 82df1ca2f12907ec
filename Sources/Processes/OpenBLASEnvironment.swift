import EBMCore
import Foundation

/// What OpenBLAS reads from the environment when it loads, put there before it does.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` (its kernel family) and `OPENBLAS_NUM_THREADS` only at load,
/// before `main`. Our processes want one BLAS thread (one job per core) and the fastest kernels the
/// CPU's features allow (`Hardware.fastestBLASKernel`: OpenBLAS 0.3.21's own detection goes by
/// CPU model and falls back to SSE3 kernels on CPUs newer than itself). A process started
/// without them executes itself again, once, with them set: same PID, same arguments.
///
/// A value already in the environment is the user's choice and stays, except that `portable`
/// (`ebm-worker --portable`, a spec's `reproducible: portable`) pins the common family,
/// `Hardware.portableBLASKernel`, so every node computes the same bits (docs/design.md,
/// "Determinism").
public enum OpenBLASEnvironment {
    static let coreType = "OPENBLAS_CORETYPE"
    static let threads = "OPENBLAS_NUM_THREADS"
    /// Set on the one re-execution.
    static let marker = "EBM_OPENBLAS_PINNED"

    /// `environment` with what our processes need added: one thread, and the kernel family unless
    /// one is set (or, when `portable`, the portable family whatever is set).
    public static func adjusted(_ environment: [String: String], portable: Bool) -> [String: String] {
        var result = environment
        if result[threads] == nil { result[threads] = "1" }
        if portable, let family = Hardware.portableBLASKernel {
            result[coreType] = family
        } else if result[coreType] == nil, let family = Hardware.fastestBLASKernel {
            result[coreType] = family
        }
        return result
    }

    /// Re-executes this process with `adjusted` variables when any differs; returns when none
    /// does, or when the exec fails (then OpenBLAS keeps the kernels it chose, which every result
    /// records).
    public static func ensure(portable: Bool = false) {
        #if os(Linux)
        let current = ProcessInfo.processInfo.environment
        let wanted = adjusted(current, portable: portable)
        let changes = wanted.filter { current[$0.key] != $0.value }
        // The marker makes a second exec impossible, whatever the environment does.
        guard !changes.isEmpty, getenv(marker) == nil else { return }
        // /proc/self/exe is what the kernel ran: under `ld.so ./ebm-worker` or an emulator it is
        // the loader, which must not be re-run with our arguments.
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return }
        let name = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .split(separator: "/").last.map(String.init) ?? ""
        let settings = changes.keys.sorted().map { "\($0)=\(changes[$0] ?? "")" }.joined(separator: " ")
        guard !name.hasPrefix("ld-") && !name.hasPrefix("ld.so") && !name.hasPrefix("qemu") else {
            FileHandle.standardError.write(Data("note: started through \(name); OpenBLAS keeps the kernels it chose (set \(settings) to choose them)\n".utf8))
            return
        }
        if portable, let set = current[coreType], set != wanted[coreType] {
            FileHandle.standardError.write(Data("note: --portable runs OpenBLAS's \(wanted[coreType] ?? "") kernels, not \(coreType)=\(set)\n".utf8))
        }
        for (name, value) in changes { setenv(name, value, 1) }
        setenv(marker, "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        #endif
    }
}
