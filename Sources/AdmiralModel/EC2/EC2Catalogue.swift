import Foundation

/// The instance types and images an Admiral server offers.
public enum EC2Catalogue {
    /// An instance type: its vCPUs and memory as AWS lists them.
    public struct InstanceType: Sendable, Equatable {
        public var name: String
        public var vCPUs: Int
        public var memoryMiB: Int
        /// ECS CPU units: 1,024 per vCPU.
        public var cpuUnits: Int { vCPUs * 1024 }
    }

    /// t3 nano…2xlarge, m5, c5 and r5 large…4xlarge.
    public static let instanceTypes: [InstanceType] = [
        .init(name: "t3.nano", vCPUs: 2, memoryMiB: 512),
        .init(name: "t3.micro", vCPUs: 2, memoryMiB: 1024),
        .init(name: "t3.small", vCPUs: 2, memoryMiB: 2048),
        .init(name: "t3.medium", vCPUs: 2, memoryMiB: 4096),
        .init(name: "t3.large", vCPUs: 2, memoryMiB: 8192),
        .init(name: "t3.xlarge", vCPUs: 4, memoryMiB: 16384),
        .init(name: "t3.2xlarge", vCPUs: 8, memoryMiB: 32768),
        .init(name: "m5.large", vCPUs: 2, memoryMiB: 8192),
        .init(name: "m5.xlarge", vCPUs: 4, memoryMiB: 16384),
        .init(name: "m5.2xlarge", vCPUs: 8, memoryMiB: 32768),
        .init(name: "m5.4xlarge", vCPUs: 16, memoryMiB: 65536),
        .init(name: "c5.large", vCPUs: 2, memoryMiB: 4096),
        .init(name: "c5.xlarge", vCPUs: 4, memoryMiB: 8192),
        .init(name: "c5.2xlarge", vCPUs: 8, memoryMiB: 16384),
        .init(name: "c5.4xlarge", vCPUs: 16, memoryMiB: 32768),
        .init(name: "r5.large", vCPUs: 2, memoryMiB: 16384),
        .init(name: "r5.xlarge", vCPUs: 4, memoryMiB: 32768),
        .init(name: "r5.2xlarge", vCPUs: 8, memoryMiB: 65536),
        .init(name: "r5.4xlarge", vCPUs: 16, memoryMiB: 131072),
    ]

    /// The catalogue by name.
    public static let instanceTypesByName = Dictionary(uniqueKeysWithValues: instanceTypes.map { ($0.name, $0) })

    /// An image: what an instance launched from it runs.
    public struct Image: Sendable, Equatable {
        public var imageId: String
        public var name: String
        public var description: String
        public var ownerAlias: String
        public var ownerId: String
        public var creationDate: String
    }

    /// The id of the image whose instances run the Admiral agent (what the ECS-optimized
    /// AMI is on AWS). Stable across servers and releases, so scripts may name it.
    public static let agentImageId = "ami-0a0d3121a1ec5a9e1"

    /// The images: the agent's.
    public static let images: [Image] = [
        .init(
            imageId: agentImageId, name: "admiral-ecs-agent",
            description: "Admiral ECS-optimized image: the instance runs the Admiral container agent, "
                + "configured by the ECS_* settings of its user data.",
            ownerAlias: "amazon", ownerId: "591542846629", creationDate: "2026-01-01T00:00:00.000Z")
    ]
}
