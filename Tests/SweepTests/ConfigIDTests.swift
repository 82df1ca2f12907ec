import EBMCore
import Testing
import Sweep

/// Config ids name jobs in stores, trace files and replay fixtures: a build must give every
/// configuration the id earlier builds gave it.
@Suite("Config ids")
struct ConfigIDTests {
    /// Per method: the template's id and the id with lr 3e-4 in float64, from the build before the registry.
    static let earlier: [(Method, template: String, changed: String)] = [
        (.ml, "dacfd85754b0", "d00633f863b3"), (.nce, "d4f5947c7861", "95bd0cf351c2"),
        (.ism, "7406068fa364", "53c8a8452b54"), (.dsm, "d1e60d006155", "4b7768f62a11"),
    ]

    @Test("ids are those earlier builds gave", arguments: earlier)
    func sameIDs(method: Method, template: String, changed: String) {
        var config = TrainingConfig.defaults(for: method)
        #expect(Planner.configID(for: config) == template)
        config.seed = 7; config.lr = 3e-4; config.precision = .float64
        #expect(Planner.configID(for: config) == changed)
    }
}
