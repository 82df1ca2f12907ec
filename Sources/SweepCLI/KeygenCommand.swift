import ArgumentParser
import Cluster
import Foundation
import ZeroMQ

/// `ebm-sweep keygen DIR`: CURVE key pairs for a coordinator and its workers.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make CURVE keys: the coordinator's pair, a worker pair, and the worker keys it admits.",
        discussion: """
        Writes DIR/coordinator.secret, DIR/coordinator.public, DIR/worker.secret, DIR/worker.public and DIR/authorized/worker.public. Each --name NAME adds DIR/NAME/ (worker.secret, worker.public and a copy of coordinator.public: everything that worker's host needs) and DIR/authorized/NAME.public.

        Run again with new names to add workers. Secrets are mode 0600. Give the coordinator DIR (run --curve DIR); give each worker host only its own folder (ebm-worker --curve DIR/NAME).
        """)

    @Argument(help: ArgumentHelp("Key directory (created if missing).", valueName: "dir")) var directory: String
    @Option(name: .customLong("name"), help: ArgumentHelp("Add a named worker pair (repeatable).", valueName: "name")) var names: [String] = []

    func validate() throws {
        for name in names where !(name.range(of: "^[A-Za-z0-9._-]{1,64}$", options: .regularExpression) != nil && name != "." && name != ".." && name != "authorized") {
            throw ValidationError("--name must be 1-64 letters, digits, '.', '_' or '-' (not '.', '..' or 'authorized'), got '\(name)'")
        }
    }

    func run() throws {
        guard Curve.isAvailable else { throw CommandError("this libzmq was built without CURVE (libsodium); install Debian's libzmq5") }
        let fm = FileManager.default
        func path(_ parts: String...) -> String { parts.reduce(directory) { ($0 as NSString).appendingPathComponent($1) } }
        try fm.createDirectory(atPath: path("authorized"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var made: [String] = []
        var coordinatorPublic: String
        if fm.fileExists(atPath: path("coordinator.secret")) {
            coordinatorPublic = try CurveKeys.readKey(path("coordinator.public"))
        } else {
            let pair = try Curve.keyPair()
            try CurveKeys.write(pair.secretKey, to: path("coordinator.secret"), secret: true)
            try CurveKeys.write(pair.publicKey, to: path("coordinator.public"), secret: false)
            coordinatorPublic = pair.publicKey
            made += ["coordinator.secret", "coordinator.public"]
        }
        if !fm.fileExists(atPath: path("worker.secret")) {
            let pair = try Curve.keyPair()
            try CurveKeys.write(pair.secretKey, to: path("worker.secret"), secret: true)
            try CurveKeys.write(pair.publicKey, to: path("worker.public"), secret: false)
            try CurveKeys.write(pair.publicKey, to: path("authorized", "worker.public"), secret: false)
            made += ["worker.secret", "worker.public", "authorized/worker.public"]
        }
        for name in names {
            guard !fm.fileExists(atPath: path(name)) else {
                throw CommandError("\(path(name)) exists already: keys are never overwritten; pick another --name")
            }
            try fm.createDirectory(atPath: path(name), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let pair = try Curve.keyPair()
            try CurveKeys.write(pair.secretKey, to: path(name, "worker.secret"), secret: true)
            try CurveKeys.write(pair.publicKey, to: path(name, "worker.public"), secret: false)
            try CurveKeys.write(coordinatorPublic, to: path(name, "coordinator.public"), secret: false)
            try CurveKeys.write(pair.publicKey, to: path("authorized", "\(name).public"), secret: false)
            made += ["\(name)/worker.secret", "\(name)/worker.public", "\(name)/coordinator.public", "authorized/\(name).public"]
        }
        print(made.isEmpty ? "\(directory): every key exists already; nothing written" : "wrote \(made.map { "\(directory)/\($0)" }.joined(separator: "\n      "))")
    }
}
