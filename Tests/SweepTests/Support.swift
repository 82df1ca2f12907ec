import EBMCore
import Foundation
import Testing
@testable import Sweep

/// Fixtures live beside this file; found through `#filePath`, not bundle resources.
func fixturePath(_ name: String, file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

/// Parses spec text that must be valid.
func spec(_ yaml: String) throws -> SweepSpec {
    try SweepSpec.parse(yaml: yaml, file: "sweeps/x.yaml")
}

/// The issues of spec text that must be refused.
func issues(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [SpecIssue] {
    do {
        _ = try SweepSpec.parse(yaml: yaml, file: "sweeps/x.yaml")
        Issue.record("the spec was accepted", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.issues
    }
}
