import EBMCore
import Foundation
import Store
import Sweep
import Testing
@testable import Artifacts

@Suite("Sweep tables")
struct SweepArtifactsTests {
    @Test("runs.csv has one column per name (the precision metric beside the precision hyperparameter) and the BLAS kernel")
    func runsTableColumns() throws {
        let config = TrainingConfig.defaults(for: .ml)
        let job = Job(id: "abc-s0", configID: "abc", seed: 0, config: config)
        let result = JobResult(jobID: job.id, attempt: 1, status: .ok, metrics: ["kde_nll": 1.5, "precision": 0.75],
                               worker: "w1", seconds: 2, secondsPerIteration: 0.01, lossHistory: [1], samples: Matrix(rows: 0, columns: 2),
                               checkpoint: [], blasKernel: "SkylakeX", vectorWidth: 512)
        let hyperparameters = TrainingConfig.hyperparameterNames(for: .ml).filter { $0 != "seed" }
        let table = SweepArtifacts.runsTable([StoredJob(job: job, status: .ok, attempts: 1, worker: "w1")], results: [result.summary],
                                             hyperparameters: hyperparameters, metrics: ["kde_nll", "precision"])
        #expect(Set(table.columns).count == table.columns.count, "\(table.columns)")
        let row = try #require(table.rows.first)
        func cell(_ name: String) -> String? { table.columns.firstIndex(of: name).map { "\(row[$0])" } }
        #expect(cell("precision")?.contains("float32") == true, "\(row)")
        #expect(cell("precision_metric")?.contains("0.75") == true, "\(row)")
        #expect(cell("blas_kernel")?.contains("SkylakeX") == true && cell("vector_width")?.contains("512") == true, "\(row)")
    }
}
