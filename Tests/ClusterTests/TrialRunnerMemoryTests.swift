import EBMCore
import Testing
@testable import Cluster

@Suite("Trial runner memory")
struct TrialRunnerMemoryTests {
    @Test("a configuration needing more memory than the host has is refused before training, with both sizes")
    func hostMemory() throws {
        let config = TrainingConfig.defaults(for: .ism)
        let needed = ResourceEstimate(config: config).memoryBytes
        let refusal = try #require(TrialRunner.memoryRefusal(config, physicalMemory: UInt64(needed - 1)))
        #expect(refusal.contains(ResourceEstimate.bytes(needed)) && refusal.contains("this host has"), "\(refusal)")
        #expect(TrialRunner.memoryRefusal(config, physicalMemory: UInt64(needed)) == nil)
    }

    @Test("every method's template configuration is within the limits with room to spare")
    func templates() throws {
        for method in Method.allCases {
            let estimate = ResourceEstimate(config: TrainingConfig.defaults(for: method))
            #expect(estimate.memoryBytes < 512 << 20, "\(method): \(ResourceEstimate.bytes(estimate.memoryBytes))")
            #expect(estimate.checkpointBytes < Checkpoint.maxBytes / 8)
        }
    }
}
