import AdmiralModel
import Foundation

/// An ECS capacity provider: an Auto Scaling group joined to clusters, with how ECS
/// scales it. The wire shape is kept without its ARN and tags, which are filled in on read.
public struct CapacityProviderRecord: Sendable, Equatable {
    public var name: String
    /// The wire shape's stored members (status, autoScalingGroupProvider, updateStatus).
    public var provider: ECS.CapacityProvider
    public var createdAt: Date

    public init(name: String, provider: ECS.CapacityProvider, createdAt: Date) {
        self.name = name
        self.provider = provider
        self.createdAt = createdAt
    }

    /// ACTIVE until deleted, then INACTIVE.
    public var isActive: Bool { provider.status != .inactive }

    /// The Auto Scaling group's ARN, when the provider has one.
    public var autoScalingGroupArn: String? { provider.autoScalingGroupProvider?.autoScalingGroupArn }
}
