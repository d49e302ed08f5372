// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "admiral",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "admiral", targets: ["admiral"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // Layer 0: domain types with AWS JSON shapes. Foundation only.
        .target(
            name: "AdmiralModel",
            swiftSettings: swiftSettings
        ),
        // Layer 1: placement, pure functions over a snapshot.
        .target(
            name: "AdmiralScheduler",
            dependencies: ["AdmiralModel"],
            exclude: ["Services/README.md"],
            swiftSettings: swiftSettings
        ),
        // Layer 1: the Docker Engine API client; knows no ECS.
        .target(
            name: "DockerEngine",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Layer 1: the AWS wire, independent of ECS.
        .target(
            name: "AWSWire",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // Layer 1: persistence.
        .target(
            name: "AdmiralStore",
            dependencies: [
                "AdmiralModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Layer 2: domain services and controllers.
        .target(
            name: "AdmiralControlPlane",
            dependencies: [
                "AdmiralModel",
                "AdmiralScheduler",
                "AdmiralStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Layer 2: the container agent.
        .target(
            name: "AdmiralAgent",
            dependencies: [
                "AdmiralModel",
                "AWSWire",
                "DockerEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Layer 2: the application load balancer's HTTP data plane, raw SwiftNIO.
        .target(
            name: "AdmiralLoadBalancer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // Benchmark harness: one load balancer on one event loop (benchmarks/lb/run.sh).
        .executableTarget(
            name: "AdmiralLBBench",
            dependencies: [
                "AdmiralLoadBalancer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fuzzing: the parsers a remote peer reaches, as functions of bytes.
        // tools/libfuzzer/run.sh builds admiral-fuzz with libFuzzer; a plain build replays.
        .target(
            name: "AdmiralFuzzTargets",
            dependencies: ["AWSWire", "AdmiralModel", "AdmiralScheduler", "AdmiralLoadBalancer"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "admiral-fuzz",
            dependencies: ["AdmiralFuzzTargets"],
            swiftSettings: swiftSettings
        ),
        // Layer 3: what an EC2 instance is: an agent process, a simulated agent, a command.
        .target(
            name: "AdmiralInstances",
            dependencies: [
                "AdmiralAgent",
                "AdmiralControlPlane",
                "DockerEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Layer 3: the web console, served by the API's port under /console/.
        .target(
            name: "AdmiralConsole",
            dependencies: [
                "AWSWire",
                "AdmiralControlPlane",
                "AdmiralModel",
                "AdmiralStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Layer 3: the Hummingbird application.
        .target(
            name: "AdmiralAPI",
            dependencies: [
                "AdmiralConsole",
                "AdmiralModel",
                "AdmiralLoadBalancer",
                "AWSWire",
                "AdmiralControlPlane",
                "AdmiralStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // Layer 4: the executable.
        .executableTarget(
            name: "admiral",
            dependencies: [
                "AdmiralAPI",
                "AdmiralAgent",
                "AdmiralInstances",
                "DockerEngine",
                "AdmiralLoadBalancer",
                "AdmiralControlPlane",
                "AdmiralStore",
                "AdmiralModel",
                "AdmiralScheduler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdmiralFuzzTargetsTests",
            dependencies: ["AdmiralFuzzTargets"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdmiralInstancesTests",
            dependencies: ["AdmiralInstances", "AdmiralControlPlane"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdmiralAgentTests",
            dependencies: ["AdmiralAgent", "AdmiralModel", "DockerEngine"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdmiralControlPlaneTests",
            dependencies: ["AdmiralControlPlane", "AdmiralStore", "AdmiralModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdmiralModelTests",
            dependencies: ["AdmiralModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdmiralSchedulerTests",
            dependencies: ["AdmiralScheduler", "AdmiralModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DockerEngineTests",
            dependencies: ["DockerEngine"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AWSWireTests",
            dependencies: ["AWSWire"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdmiralStoreTests",
            dependencies: ["AdmiralStore", "AdmiralModel", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdmiralLoadBalancerTests",
            dependencies: [
                "AdmiralLoadBalancer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdmiralConsoleTests",
            dependencies: [
                "AdmiralConsole", "AdmiralControlPlane", "AdmiralModel", "AdmiralStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdmiralAPITests",
            dependencies: [
                "AdmiralAPI", "AWSWire", "AdmiralModel", "AdmiralStore", "AdmiralControlPlane",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
