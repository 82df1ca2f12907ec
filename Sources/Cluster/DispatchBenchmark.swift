import EBMCore
import Foundation
import Logging
import Store
import Sweep
import Wire
import ZeroMQ

/// The coordinator's own cost: a sweep of `jobs` no-op jobs over `workers` in-process workers
/// (each a thread with its own DEALER socket over real TCP loopback), so the time measured is
/// dispatch, transport, validation and the SQLite commits — not training.
public enum DispatchBenchmark {
    public struct Measurement: Sendable {
        public var workers: Int
        public var jobs: Int
        public var seconds: Double
        /// CPU seconds of the coordinator's thread alone.
        public var coordinatorCPU: Double
        public var jobsPerSecond: Double { Double(jobs) / seconds }
        public var coordinatorMillisecondsPerJob: Double { coordinatorCPU / Double(jobs) * 1000 }
    }

    public static func run(workers: Int, jobs: Int, directory: String) throws -> Measurement {
        let seeds = (0..<jobs).map { "\($0)" }.joined(separator: ", ")
        let spec = try SweepSpec.parse(yaml: """
            name: dispatch
            method: ml
            fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 1}
            seeds: [\(seeds)]
            evaluation: {samples: 10, sampler: {init: normal, step_size: 5.0e-4, steps: 1}}
            """, file: "dispatch.yaml")
        let store = try SweepStore.create(at: directory + "/sweep.sqlite", name: spec.name, specText: "", specHash: spec.planHash,
                                          specPath: "dispatch.yaml", jobs: Planner.plan(spec))
        var settings = CoordinatorSettings()
        settings.pollInterval = 0.01
        let listener = try Transport.Listener(liveness: settings.liveness, curve: nil, security: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        let endpoint = try listener.bind("tcp://127.0.0.1:*")
        // A no-op job: the smallest honest result (a one-point sample, one loss, a tiny checkpoint).
        let run: Worker.Run = { assignment, worker, _, _ in
            JobResult(jobID: assignment.jobID, attempt: assignment.attempt, status: .ok, metrics: ["kde_nll": 1],
                      worker: worker, seconds: 0, secondsPerIteration: 0, lossHistory: [0],
                      samples: Matrix(rows: 1, columns: 2), checkpoint: [0])
        }
        var threads: [Thread] = []
        for i in 0..<workers {
            let settings = WorkerSettings(endpoint: endpoint, name: "bench-\(i)")
            let thread = Thread {
                _ = try? Worker(settings: settings, logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }, run: run).run()
            }
            thread.start()
            threads.append(thread)
        }
        let coordinator = try Coordinator(channel: listener.socket, store: store, spec: spec, settings: settings,
                                          view: ProgressView(output: FileHandle.nullDevice, isTerminal: false),
                                          logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        let cpuBefore = threadCPUSeconds()
        let start = Date()
        _ = try coordinator.run()
        let seconds = Date().timeIntervalSince(start)
        let cpu = threadCPUSeconds() - cpuBefore
        Thread.sleep(forTimeInterval: 0.3)   // let the workers see SHUTDOWN before the context goes
        listener.close()
        return Measurement(workers: workers, jobs: jobs, seconds: seconds, coordinatorCPU: cpu)
    }

    /// CPU time of the calling thread (Linux RUSAGE_THREAD).
    static func threadCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(1), &usage)   // RUSAGE_THREAD
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
    }
}
