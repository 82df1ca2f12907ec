import Foundation
import Testing
import TestSupport

/// Things `ebm-sweep` must refuse before doing any work, each with one message naming what to fix:
/// a model too large for memory or for a RESULT, a secret key others can read, a bind that only
/// looks like loopback.
@Suite("Refusals")
struct RefusalTests {
    static let hugeModel = """
        name: huge
        method: ml
        fixed:
          data_size: 65536
          neurons: 4096
          hidden_layers: 8
          batch_size: 65536
        """

    @Test("plan and run refuse a model that cannot fit in memory, naming file, line, key and size")
    func modelTooLarge() throws {
        let harness = try ProcessHarness(label: "huge")
        let spec = try SweepFixtures.write(Self.hugeModel, in: harness, as: "huge.yaml")
        let plan = try harness.run("ebm-sweep", ["plan", spec], timeout: 60)
        #expect(plan.status != 0)
        #expect(plan.output.contains("huge.yaml:7: fixed.batch_size: 65536 with 8 hidden layers of 4096 neurons needs about"), "\(plan.output)")
        #expect(plan.output.contains("GiB of memory"))
        let out = harness.directory.appendingPathComponent("out").path
        let run = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "0"], timeout: 60)
        #expect(run.status != 0 && run.output.contains("fixed.batch_size"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: out + "/sweep.sqlite"))
    }

    @Test("run refuses a model whose checkpoint cannot travel in a RESULT, with its size and the limit")
    func checkpointTooLarge() throws {
        let harness = try ProcessHarness(label: "wide")
        let spec = try SweepFixtures.write("name: wide\nmethod: ml\nfixed:\n  hidden_layers: 1\n  neurons: 4096\n", in: harness, as: "wide.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let run = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "0"], timeout: 60)
        #expect(run.status != 0)
        #expect(run.output.contains("wide.yaml:5: fixed.neurons: 4096 with 1 hidden layer makes a checkpoint of about 128."), "\(run.output)")
        #expect(run.output.contains("48.0 MiB"))
    }

    @Test("train refuses a model that cannot fit before training, naming the flag and the memory")
    func trainTooLarge() throws {
        let harness = try ProcessHarness(label: "trainhuge")
        let out = harness.directory.appendingPathComponent("run").path
        let (status, output) = try harness.run("ebm-sweep", ["train", "--neurons", "4096", "--hidden-layers", "8", "--batch-size", "65536",
                                                             "--data-size", "65536", "--out", out], timeout: 60)
        #expect(status != 0)
        #expect(output.contains("--batch-size 65536 with 8 hidden layers") && output.contains("of memory"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("plot refuses a box whose width would overflow", arguments: ["1e308", "1e-320"])
    func plotBox(box: String) throws {
        let harness = try ProcessHarness(label: "plotbox")
        let (status, output) = try harness.run("ebm-sweep", ["plot", harness.directory.path, "--box", box], timeout: 30)
        #expect(status != 0 && output.contains("--box must be a number in 1e-6...1e6"), "\(output)")
    }

    @Test("keygen writes secrets 0600, and a secret key others can read is refused, naming the file and chmod 600")
    func secretKeyMode() throws {
        let harness = try ProcessHarness(label: "keymode")
        let keys = harness.directory.appendingPathComponent("keys").path
        let keygen = try harness.run("ebm-sweep", ["keygen", keys, "--name", "w1"], timeout: 60)
        try #require(keygen.status == 0, "\(keygen.output)")
        for secret in ["coordinator.secret", "worker.secret", "w1/worker.secret"] {
            let mode = try FileManager.default.attributesOfItem(atPath: keys + "/" + secret)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(secret): \(String(mode ?? 0, radix: 8))")
        }
        let secret = keys + "/coordinator.secret"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secret)
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "k", iterations: 10), in: harness, as: "k.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let run = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--curve", keys, "--local-workers", "0"], timeout: 30)
        #expect(run.status != 0)
        #expect(run.output.contains(secret) && run.output.contains("chmod 600"), "\(run.output)")

        let workerSecret = keys + "/w1/worker.secret"
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: workerSecret)
        let worker = try harness.run("ebm-worker", ["--connect", "tcp://127.0.0.1:1", "--curve", keys + "/w1"], timeout: 30)
        #expect(worker.status != 0)
        #expect(worker.output.contains(workerSecret) && worker.output.contains("chmod 600"), "\(worker.output)")
    }

    /// Whether this process may make a private network namespace (root, or unprivileged user
    /// namespaces) with a veth pair in it.
    static let canMakeNetworkNamespace: Bool = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        probe.arguments = ["-n", "sh", "-c", "ip link add probe0 type veth peer name probe1"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    @Test("a bind to an interface named like a loopback address is judged by the address it bound",
          .enabled(if: canMakeNetworkNamespace, "needs unshare -n and veth (a private network namespace)"))
    func loopbackLookalike() throws {
        let harness = try ProcessHarness(label: "lookalike")
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "l", iterations: 10), in: harness, as: "l.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let sweep = try ProcessHarness.productsDirectory().appendingPathComponent("ebm-sweep").path
        // In a private namespace: an interface NAMED 127.1 whose address is 10.9.9.9.
        let script = "ip link add 127.1 type veth peer name peer0 && ip addr add 10.9.9.9/24 dev 127.1 "
            + "&& ip link set 127.1 up && ip link set peer0 up && exec \"$0\" \"$@\""
        let child = try harness.startExecutable(URL(fileURLWithPath: "/usr/bin/unshare"),
                                                ["-n", "sh", "-c", script, sweep, "run", spec, "--out", out,
                                                 "--bind", "tcp://127.1:*", "--local-workers", "0"], name: "lookalike")
        let status = child.waitForExit(timeout: 30)
        if status == nil { child.signal(SIGKILL) }
        #expect(status != nil && status != 0, "\(child.output)")
        #expect(child.output.contains("10.9.9.9") && child.output.contains("--curve"), "\(child.output)")
        #expect(!child.output.contains("listening"))
        #expect(!FileManager.default.fileExists(atPath: out + "/sweep.sqlite"))
    }
}
