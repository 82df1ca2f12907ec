/// A configuration value that is out of range or does not apply. `key` is the snake_case name.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var message: String
    /// Other keys whose values share the blame (a model too large for memory: batch size, width
    /// and depth), so a spec error can point at whichever of them the spec sets.
    public var relatedKeys: [String]
    public init(key: String, message: String, relatedKeys: [String] = []) {
        self.key = key
        self.message = message
        self.relatedKeys = relatedKeys
    }
    public var description: String { "\(key): \(message)" }
}
