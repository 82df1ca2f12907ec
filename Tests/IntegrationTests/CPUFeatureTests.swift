import Foundation
import Testing
import TestSupport
import EBMCore

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

    @Test("both programs run the fastest BLAS kernels the CPU's features allow, unless told otherwise",
          .enabled(if: choosesKernels && ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil),
          arguments: ["ebm-sweep", "ebm-worker"])
    func choosesBLASKernels(product: String) throws {
        let fastest = try #require(Hardware.fastestBLASKernel)
        let harness = try ProcessHarness(label: "kernels-\(product)")
        // OPENBLAS_VERBOSE=2 makes OpenBLAS print the kernels it loads, once per exec; the last is the one that runs.
        let (status, output) = try harness.run(product, ["--version"], environment: ["OPENBLAS_VERBOSE": "2"])
        #expect(status == 0)
        #expect(Self.lastCore(output) == fastest, "\(output)")
        let chosen = try harness.run(product, ["--version"], environment: ["OPENBLAS_VERBOSE": "2", "OPENBLAS_CORETYPE": "Sandybridge"])
        #expect(Self.lastCore(chosen.output) == "Sandybridge", "\(chosen.output)")
    }

    @Test("ebm-worker --portable runs the common Haswell kernels, whatever OPENBLAS_CORETYPE says",
          .enabled(if: choosesKernels), arguments: [nil, "SkylakeX"])
    func portableWorker(coreType: String?) throws {
        let harness = try ProcessHarness(label: "portable")
        var environment = ["OPENBLAS_VERBOSE": "2"]
        environment["OPENBLAS_CORETYPE"] = coreType
        let (status, output) = try harness.run("ebm-worker", ["--portable", "--version"], environment: environment)
        #expect(status == 0)
        #expect(Self.lastCore(output) == "Haswell", "\(output)")
    }

    @Test("ebm-worker --portable on other kernels (started through the loader, so it cannot re-exec) fails at run time, without usage text",
          .enabled(if: choosesKernels && FileManager.default.isExecutableFile(atPath: loader)))
    func portableOnOtherKernels() throws {
        let harness = try ProcessHarness(label: "portable-loader")
        let worker = try ProcessHarness.productsDirectory().appendingPathComponent("ebm-worker").path
        let child = try harness.startExecutable(URL(fileURLWithPath: Self.loader),
                                                [worker, "--portable", "--connect", "tcp://127.0.0.1:9"], name: "worker-loader",
                                                environment: ["OPENBLAS_CORETYPE": "Sandybridge"])
        let status = child.waitForExit(timeout: 60)
        #expect(status == 1, "\(child.output)")
        #expect(child.output.contains("--portable needs OpenBLAS's Haswell kernels, but it runs Sandybridge"), "\(child.output)")
        #expect(!child.output.contains("Usage:"), "\(child.output)")
    }

    static let loader = "/lib64/ld-linux-x86-64.so.2"

    @Test("train records the BLAS kernel it ran with and the CPU's vector width in metrics.json",
          .enabled(if: choosesKernels), arguments: [nil, "Haswell"])
    func recordsKernel(coreType: String?) throws {
        let harness = try ProcessHarness(label: "record")
        let out = harness.directory.appendingPathComponent("run").path
        var environment: [String: String] = [:]
        environment["OPENBLAS_CORETYPE"] = coreType
        let (status, output) = try harness.run("ebm-sweep", [
            "train", "--method", "dsm", "--iterations", "3", "--neurons", "8", "--data-size", "64", "--batch-size", "16",
            "--eval-samples", "16", "--eval-steps", "2", "--quiet", "--out", out], environment: environment)
        #expect(status == 0, "\(output)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))
        let metrics = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let expected = coreType ?? ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? Hardware.fastestBLASKernel
        #expect(metrics["blas_kernel"] as? String == expected, "\(metrics)")
        #expect(metrics["vector_width"] as? Int == Hardware.vectorWidth && Hardware.vectorWidth >= 256)
    }

    /// The kernel family of OpenBLAS's last "Core: NAME" line.
    static func lastCore(_ output: String) -> String? {
        output.split(separator: "\n").last { $0.hasPrefix("Core: ") }.map { String($0.dropFirst(6)) }
    }

    #if arch(x86_64) && os(Linux)
    static let choosesKernels = true
    #else
    static let choosesKernels = false
    #endif
}
