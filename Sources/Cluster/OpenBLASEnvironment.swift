import Foundation

/// What OpenBLAS reads from the environment when it loads, put there before it does.
///
/// Debian's OpenBLAS picks its GEMM kernels for the CPU when the library loads, and kernels of
/// different CPU families sum in different orders. Measured on this project's machine: an NCE
/// run's loss history is bit-identical under OpenBLAS's Zen and Haswell kernels, and differs under
/// its SandyBridge and Nehalem ones; AVX-512 CPUs get kernels of their own. So that one build gives
/// the same bits for the same job on every worker, our processes run the Haswell kernels on x86-64
/// (every CPU this build runs on has AVX2, see Package.swift), with one BLAS thread. OpenBLAS reads
/// both only at load, before `main`, so a process started without them executes itself again,
/// once, with them set: same PID, same arguments. Values already in the environment are kept, so
/// `OPENBLAS_CORETYPE=SkylakeX` still chooses speed over cross-node bits.
public enum OpenBLASEnvironment {
    /// The variables and the values our processes need.
    public static var required: [String: String] {
        #if arch(x86_64)
        return ["OPENBLAS_NUM_THREADS": "1", "OPENBLAS_CORETYPE": "Haswell"]
        #else
        return ["OPENBLAS_NUM_THREADS": "1"]
        #endif
    }

    /// Re-executes this process with the missing `required` variables set; returns when none is
    /// missing, or when the exec fails (then OpenBLAS keeps the kernels it chose).
    public static func ensure() {
        #if os(Linux)
        let missing = required.filter { getenv($0.key) == nil }
        // The marker makes a second exec impossible, whatever the environment does.
        guard !missing.isEmpty, getenv(marker) == nil else { return }
        // /proc/self/exe is what the kernel ran: under `ld.so ./ebm-worker` or an emulator it is
        // the loader, which must not be re-run with our arguments.
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return }
        let name = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .split(separator: "/").last.map(String.init) ?? ""
        guard !name.hasPrefix("ld-") && !name.hasPrefix("ld.so") && !name.hasPrefix("qemu") else {
            FileHandle.standardError.write(Data("note: started through \(name); OpenBLAS keeps the kernels it chose (set \(missing.keys.sorted().joined(separator: ", ")) to pin them)\n".utf8))
            return
        }
        for (name, value) in missing { setenv(name, value, 0) }
        setenv(marker, "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        #endif
    }

    /// Set on the one re-execution.
    static let marker = "EBM_OPENBLAS_PINNED"
}
