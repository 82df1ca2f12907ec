// swift-tools-version:6.0
import PackageDescription

// The trainer's element-wise kernels (softplus, Adam, masks) are written over one AVX register of
// lanes, SIMD8<Float> or SIMD4<Double> (softplus two): with AVX2 on x86-64 a group is one 256-bit
// register instead of two SSE ones. The Swift code gets no FMA flag: with separate multiplies and
// adds every lane computes the same IEEE operations as a scalar loop. (CSIMD's C kernels write
// their fused multiply-adds out; docs/design.md, "Element-wise kernels".) CSIMD refuses to start
// on an x86-64 CPU without AVX2 and FMA, with a message.
// `#if arch` is the arch of the machine reading this manifest: a cross-compile to arm64 from
// x86-64 must drop the flag by hand.
#if arch(x86_64)
let vectorSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2"])]
let requireVectorISA: [CSetting] = [.define("EBM_REQUIRE_AVX2")]
#else
let vectorSettings: [SwiftSetting] = []
let requireVectorISA: [CSetting] = []
#endif

let package = Package(
    name: "ebm-sweep",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ebm-sweep", targets: ["SweepCLI"]),
        .executable(name: "ebm-worker", targets: ["WorkerCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // MARK: C libraries (Debian packages, found through pkg-config)
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: Numerics: the trainer. No I/O, no sockets, no sweeps.
        .target(name: "CSIMD", cSettings: requireVectorISA),
        .target(name: "EBMCore", dependencies: ["CBLAS", "CSIMD"], swiftSettings: vectorSettings),

        // MARK: Transport: a thin typed wrapper over libzmq. Knows nothing of sweeps.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),

        // MARK: Planning: sweep specs, validation, expansion, scheduling state machine.
        .target(name: "Sweep", dependencies: ["EBMCore", "Yams"]),

        // MARK: Persistence: the sweep's truth in SQLite.
        .target(name: "Store", dependencies: ["Sweep", "EBMCore", "CSQLite"]),

        // MARK: Pictures and tables: pure builders of SVG, PNG, HTML, Markdown, CSV, LaTeX.
        .target(name: "Report", dependencies: ["Sweep", "EBMCore", "CZlib"]),

        // MARK: Wire protocol: versioned frames over ZeroMQ.
        .target(name: "Wire", dependencies: ["Sweep", "EBMCore", "ZeroMQ"]),

        // MARK: Local processes: workers started here, the tie to a parent, OpenBLAS's load-time environment.
        .target(name: "Processes", dependencies: ["EBMCore"]),

        // MARK: Report assembly: a sweep's or a run's directory of tables, figures and reports, from the store.
        .target(name: "Artifacts", dependencies: ["Store", "Report", "Sweep", "EBMCore"]),

        // MARK: The two I/O loops: coordinator and worker.
        .target(name: "Cluster", dependencies: ["Artifacts", "Processes", "Wire", "ZeroMQ", "Sweep", "Store", "Report", "EBMCore",
                                                .product(name: "Logging", package: "swift-log")]),

        // MARK: Executables: argument parsing only.
        .executableTarget(name: "SweepCLI", dependencies: [
            "Cluster", "Artifacts", "Processes", "Report", "Store", "Sweep", "Wire", "ZeroMQ", "EBMCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "WorkerCLI", dependencies: [
            "Cluster", "Processes", "EBMCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: Tests
        .target(name: "CAllocationCounter"),  // per-thread malloc counter for allocation tests; TestSupport only
        .target(name: "TestSupport", dependencies: ["EBMCore", "CAllocationCounter"]),
        .testTarget(name: "EBMCoreTests", dependencies: ["EBMCore", "CSIMD", "TestSupport"]),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "TestSupport"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "TestSupport"]),
        .testTarget(name: "ArtifactsTests", dependencies: ["Artifacts", "TestSupport"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "TestSupport",
                                                        .product(name: "InMemoryLogging", package: "swift-log")]),
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport", "Store", "Sweep", "EBMCore", "Wire", "ZeroMQ"]),
    ]
)
