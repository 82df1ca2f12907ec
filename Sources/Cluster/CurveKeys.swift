import Foundation
import ZeroMQ

/// CURVE key files (contract names, made by `ebm-sweep keygen DIR`): `coordinator.secret`,
/// `coordinator.public`, `worker.secret`, `worker.public`, and every admitted worker's public key
/// in `authorized/`. Each file holds one 40-character Z85 key; secrets are readable by their owner only.
public enum CurveKeys {
    public struct KeyError: Error, CustomStringConvertible {
        public let description: String
    }

    /// What the coordinator needs: its pair and the admitted worker keys.
    public struct Server: Sendable {
        public var publicKey: String
        public var secretKey: String
        public var authorized: [String: String]   // file name → key
    }

    /// What a worker needs: its pair and the coordinator's public key.
    public struct Client: Sendable {
        public var publicKey: String
        public var secretKey: String
        public var serverKey: String
    }

    /// A key file is 41 bytes; reading stops at this many, so a wrong path (a log, /dev/zero)
    /// costs nothing.
    static let maxFileBytes = 1024

    /// Reads one key. A `secret` key file must be private to its owner: like ssh with a private
    /// key, a file that its group or others may access is refused, naming the fix.
    public static func readKey(_ path: String, secret: Bool = false) throws -> String {
        if secret { try checkPrivate(path) }
        guard let handle = FileHandle(forReadingAtPath: path),
              let data = try? handle.read(upToCount: maxFileBytes) ?? Data(),
              let text = String(data: data, encoding: .utf8) else {
            throw KeyError(description: "\(path): cannot read the key file (make keys with `ebm-sweep keygen DIR`)")
        }
        try? handle.close()
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Curve.isZ85Key(key) else {
            throw KeyError(description: "\(path): not a CURVE key (expected 40 Z85 characters, as `ebm-sweep keygen` writes)")
        }
        return key
    }

    /// Refuses a secret key file whose mode grants anything to its group or others. A file that
    /// cannot be stat'ed is left to the read, which names it.
    static func checkPrivate(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 != 0 else { return }
        let octal = String(mode, radix: 8)
        throw KeyError(description: "\(path): secret key is accessible by others (mode 0\(octal)), so anyone on this "
                       + "host could use it; make it private with `chmod 600 \(path)`")
    }

    public static func loadServer(directory: String) throws -> Server {
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let secret = try readKey(path("coordinator.secret"), secret: true)
        let publicKey = try readKey(path("coordinator.public"))
        let authorizedDirectory = path("authorized")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: authorizedDirectory)) ?? [])
            .filter { $0.hasSuffix(".public") }.sorted()
        var authorized: [String: String] = [:]
        for name in names { authorized[name] = try readKey((authorizedDirectory as NSString).appendingPathComponent(name)) }
        guard !authorized.isEmpty else {
            throw KeyError(description: "\(authorizedDirectory): no worker public keys (*.public): no worker could connect")
        }
        return Server(publicKey: publicKey, secretKey: secret, authorized: authorized)
    }

    public static func loadClient(directory: String) throws -> Client {
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        return Client(publicKey: try readKey(path("worker.public")), secretKey: try readKey(path("worker.secret"), secret: true),
                      serverKey: try readKey(path("coordinator.public")))
    }

    /// Writes a key file readable by its owner only (0600 for secrets, 0644 for public keys),
    /// created with that mode so a secret is never briefly world-readable.
    public static func write(_ key: String, to path: String, secret: Bool) throws {
        let mode: mode_t = secret ? 0o600 : 0o644
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else {
            throw KeyError(description: "\(path): cannot create (\(String(cString: strerror(errno)))); keys are never overwritten")
        }
        defer { close(fd) }
        // The umask may only have removed bits; set the mode exactly, as `readKey` checks it.
        guard fchmod(fd, mode) == 0 else {
            throw KeyError(description: "\(path): cannot set mode \(String(mode, radix: 8)) (\(String(cString: strerror(errno))))")
        }
        let bytes = Array((key + "\n").utf8)
        guard Foundation.write(fd, bytes, bytes.count) == bytes.count else {
            throw KeyError(description: "\(path): write failed (\(String(cString: strerror(errno))))")
        }
    }
}
