#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a bound endpoint can be reached from, decided from the address libzmq actually bound
/// (`Socket.lastEndpoint`: numeric, wildcards resolved), never from what the user typed: a bind
/// to `tcp://127.1:*` binds the interface *named* `127.1`, whatever its address is.
public enum Endpoint {
    /// Whether only this host can connect to `boundEndpoint`: `ipc://` and `inproc://`, and TCP
    /// bound to 127.0.0.0/8, ::1 or an IPv4-mapped 127.x.y.z. Anything else, including a text this
    /// function cannot parse, counts as reachable from other hosts.
    public static func isLoopback(_ boundEndpoint: String) -> Bool {
        if boundEndpoint.hasPrefix("ipc://") || boundEndpoint.hasPrefix("inproc://") { return true }
        guard boundEndpoint.hasPrefix("tcp://"), let host = tcpHost(boundEndpoint) else { return false }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
        let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xff, 0xff]
        return bytes == loopback || (Array(bytes[0..<12]) == mappedPrefix && bytes[12] == 127)
    }

    /// The address part of `tcp://ADDRESS:PORT` (brackets of an IPv6 address removed).
    static func tcpHost(_ endpoint: String) -> String? {
        let rest = endpoint.dropFirst("tcp://".count)
        guard let colon = rest.lastIndex(of: ":") else { return nil }
        var host = rest[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return host.isEmpty ? nil : String(host)
    }
}
