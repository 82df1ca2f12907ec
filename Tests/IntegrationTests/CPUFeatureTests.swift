import Foundation
import Testing
import TestSupport

/// The trainer is compiled for AVX2 on x86-64 (Package.swift). On a CPU without it the programs
/// must stop with a sentence, not die of SIGILL. A CPU without AVX2 is emulated with qemu-user
/// (`make deps` installs it).
@Suite("CPU features and BLAS kernels")
struct CPUFeatureTests {
    static let qemu = ["/usr/bin/qemu-x86_64", "/usr/local/bin/qemu-x86_64"].first { FileManager.default.isExecutableFile(atPath: $0) }

    #if arch(x86_64)
    static let enabled = qemu != nil
    #else
    static let enabled = false
    #endif

    @Test("on a CPU without AVX2 both programs refuse to start and say why; with AVX2 they run",
          .enabled(if: enabled), arguments: ["ebm-sweep", "ebm-worker"])
    func refusesWithoutAVX2(product: String) throws {
        let harness = try ProcessHarness(label: "cpu-\(product)")
        let binary = try ProcessHarness.productsDirectory().appendingPathComponent(product).path
        let qemu = URL(fileURLWithPath: try #require(Self.qemu))
        func run(cpu: String) throws -> (Int32?, String) {
            let child = try harness.startExecutable(qemu, ["-cpu", cpu, binary, "--version"], name: "\(product)-\(cpu)")
            let status = child.waitForExit(timeout: 60)
            return (status, child.output)
        }
        let (old, oldOutput) = try run(cpu: "Nehalem")   // 2008: SSE4.2, no AVX
        #expect(old == 1, "\(oldOutput)")
        #expect(oldOutput.contains("uses AVX2 and FMA instructions") && oldOutput.contains("this CPU lacks them"), "\(oldOutput)")
        let (new, newOutput) = try run(cpu: "Haswell")   // 2013: AVX2
        #expect(new == 0, "\(newOutput)")
    }

    @Test("both programs run OpenBLAS's Haswell kernels unless told otherwise (the same bits on every node)",
          .enabled(if: pinsKernels && ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil),
          arguments: ["ebm-sweep", "ebm-worker"])
    func pinsBLASKernels(product: String) throws {
        let harness = try ProcessHarness(label: "kernels-\(product)")
        // OPENBLAS_VERBOSE=2 makes OpenBLAS print the kernels it loads, once per exec.
        let (status, output) = try harness.run(product, ["--version"], environment: ["OPENBLAS_VERBOSE": "2"])
        #expect(status == 0)
        #expect(output.contains("Core: Haswell"), "\(output)")
        let chosen = try harness.run(product, ["--version"], environment: ["OPENBLAS_VERBOSE": "2", "OPENBLAS_CORETYPE": "Sandybridge"])
        #expect(chosen.output.contains("Core: Sandybridge") && !chosen.output.contains("Core: Haswell"), "\(chosen.output)")
    }

    #if arch(x86_64) && os(Linux)
    static let pinsKernels = true
    #else
    static let pinsKernels = false
    #endif
}
