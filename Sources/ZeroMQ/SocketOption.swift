import CZeroMQ

/// A typed socket option: the libzmq option number plus how its value crosses the C boundary.
///
/// Used as `try socket.set(.linger, to: .zero)` and `try socket.get(.routingID)`; the named
/// options live in `Socket+Options.swift`, each saying which `ZMQ_*` option it is.
public struct SocketOption<Value>: Sendable {
    public let name: CInt
    let representation: Representation

    enum Representation: Sendable {
        /// A C `int`.
        case int32
        /// An `int64_t` (ZMQ_MAXMSGSIZE).
        case int64
        /// Bytes up to `maxLength` (routing id, ZAP domain, endpoint, Z85 keys).
        case bytes(maxLength: Int)
    }

    let encode: @Sendable (Value) -> Raw
    let decode: @Sendable (Raw) -> Value

    /// The C-side value of an option.
    enum Raw {
        case int(Int64)
        case bytes([UInt8])

        var integer: Int64 {
            if case .int(let v) = self { return v }
            return 0
        }
        var data: [UInt8] {
            if case .bytes(let b) = self { return b }
            return []
        }
    }

    init(_ name: CInt, _ representation: Representation,
         encode: @escaping @Sendable (Value) -> Raw, decode: @escaping @Sendable (Raw) -> Value) {
        self.name = name
        self.representation = representation
        self.encode = encode
        self.decode = decode
    }
}

extension Socket {
    /// Sets a socket option.
    ///
    /// - Throws: `.invalid` when libzmq rejects the value (e.g. a CURVE key that is not Z85).
    public func set<Value>(_ option: SocketOption<Value>, to value: Value) throws(ZMQError) {
        let h = raw
        let op = "zmq_setsockopt(\(option.name))"
        switch option.encode(value) {
        case .int(let v):
            if case .int64 = option.representation {
                var x = v
                try Call.runRequired(op) { zmq_setsockopt(h, option.name, &x, MemoryLayout<Int64>.size) }
            } else {
                var x = CInt(clamping: v)
                try Call.runRequired(op) { zmq_setsockopt(h, option.name, &x, MemoryLayout<CInt>.size) }
            }
        case .bytes(let bytes):
            try Call.runRequired(op) {
                bytes.withUnsafeBytes { zmq_setsockopt(h, option.name, $0.baseAddress, $0.count) }
            }
        }
    }

    /// Reads a socket option.
    public func get<Value>(_ option: SocketOption<Value>) throws(ZMQError) -> Value {
        let h = raw
        let op = "zmq_getsockopt(\(option.name))"
        switch option.representation {
        case .int32:
            var x: CInt = 0
            var size = MemoryLayout<CInt>.size
            try Call.runRequired(op) { zmq_getsockopt(h, option.name, &x, &size) }
            return option.decode(.int(Int64(x)))
        case .int64:
            var x: Int64 = 0
            var size = MemoryLayout<Int64>.size
            try Call.runRequired(op) { zmq_getsockopt(h, option.name, &x, &size) }
            return option.decode(.int(x))
        case .bytes(let maxLength):
            var buffer = [UInt8](repeating: 0, count: maxLength)
            var size = maxLength
            try Call.runRequired(op) {
                buffer.withUnsafeMutableBytes { zmq_getsockopt(h, option.name, $0.baseAddress, &size) }
            }
            return option.decode(.bytes(Array(buffer.prefix(size))))
        }
    }
}

// MARK: - Representations shared by the named options

extension SocketOption where Value == Int {
    static func integer(_ name: CInt) -> Self {
        Self(name, .int32, encode: { .int(Int64($0)) }, decode: { Int($0.integer) })
    }
}

extension SocketOption where Value == Bool {
    static func flag(_ name: CInt) -> Self {
        Self(name, .int32, encode: { .int($0 ? 1 : 0) }, decode: { $0.integer != 0 })
    }
}

extension SocketOption where Value == Duration {
    /// Milliseconds in a C int; negative values read back as zero.
    static func milliseconds(_ name: CInt) -> Self {
        Self(name, .int32, encode: { .int(wholeMilliseconds($0)) },
             decode: { .milliseconds(max(0, $0.integer)) })
    }
}

extension SocketOption where Value == String {
    /// A C string (libzmq returns it with a terminating NUL, which is dropped).
    static func text(_ name: CInt, maxLength: Int) -> Self {
        Self(name, .bytes(maxLength: maxLength), encode: { .bytes(Array($0.utf8)) },
             decode: { raw in
                 let bytes = raw.data
                 let end = bytes.firstIndex(of: 0) ?? bytes.count
                 return String(decoding: bytes[..<end], as: UTF8.self)
             })
    }
}

/// Whole milliseconds of `d`, rounded toward zero, clamped to a C int.
func wholeMilliseconds(_ d: Duration) -> Int64 {
    let (seconds, attoseconds) = d.components
    let ms = seconds.multipliedReportingOverflow(by: 1000)
    if ms.overflow { return seconds < 0 ? Int64(CInt.min) : Int64(CInt.max) }
    let total = ms.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
    if total.overflow { return Int64(CInt.max) }
    return min(max(total.partialValue, Int64(CInt.min)), Int64(CInt.max))
}
