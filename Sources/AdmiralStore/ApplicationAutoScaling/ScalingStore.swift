import AdmiralModel
import Foundation

/// A scalable target as stored: its wire shape, its tags and the scaling bookkeeping that
/// cooldowns need.
public struct ScalableTargetRecord: Sendable, Codable, Hashable {
    /// The target (`ResourceId` `service/CLUSTER/SERVICE`).
    public var target: ApplicationAutoScaling.ScalableTarget
    /// Its tags.
    public var tags: [String: String]
    /// When a policy last scaled it out, and to what capacity.
    public var lastScaleOut: Date?
    /// The capacity of the last scale-out.
    public var lastScaleOutCapacity: Int?
    /// When a policy last scaled it in.
    public var lastScaleIn: Date?

    /// Creates a record.
    public init(
        target: ApplicationAutoScaling.ScalableTarget, tags: [String: String] = [:], lastScaleOut: Date? = nil,
        lastScaleOutCapacity: Int? = nil, lastScaleIn: Date? = nil
    ) {
        self.target = target
        self.tags = tags
        self.lastScaleOut = lastScaleOut
        self.lastScaleOutCapacity = lastScaleOutCapacity
        self.lastScaleIn = lastScaleIn
    }

    /// The target's `ResourceId`.
    public var resourceId: String { target.resourceId }
}

/// A scheduled action as stored, with when it last fired.
public struct ScheduledActionRecord: Sendable, Codable, Hashable {
    /// The action.
    public var action: ApplicationAutoScaling.ScheduledAction
    /// When it last changed the target.
    public var lastFired: Date?

    /// Creates a record.
    public init(action: ApplicationAutoScaling.ScheduledAction, lastFired: Date? = nil) {
        self.action = action
        self.lastFired = lastFired
    }
}

/// Where Application Auto Scaling keeps scalable targets, policies, scheduled actions
/// and scaling activities.
public protocol ScalingStore: Sendable {
    /// Every scalable target.
    func targets() async throws -> [ScalableTargetRecord]
    /// The target of a resource.
    func target(resourceId: String) async throws -> ScalableTargetRecord?
    /// Creates or replaces a target.
    func putTarget(_ target: ScalableTargetRecord) async throws
    /// Deletes a target with its policies and scheduled actions; returns the policies removed.
    func deleteTarget(resourceId: String) async throws -> [ApplicationAutoScaling.ScalingPolicy]

    /// The policies of a resource (all when nil), by name.
    func policies(resourceId: String?) async throws -> [ApplicationAutoScaling.ScalingPolicy]
    /// Creates or replaces a policy.
    func putPolicy(_ policy: ApplicationAutoScaling.ScalingPolicy) async throws
    /// Deletes a policy; returns it if it existed.
    func deletePolicy(resourceId: String, name: String) async throws -> ApplicationAutoScaling.ScalingPolicy?

    /// The scheduled actions of a resource (all when nil), by name.
    func scheduledActions(resourceId: String?) async throws -> [ScheduledActionRecord]
    /// Creates or replaces a scheduled action.
    func putScheduledAction(_ action: ScheduledActionRecord) async throws
    /// Deletes a scheduled action; returns whether it existed.
    func deleteScheduledAction(resourceId: String, name: String) async throws -> Bool

    /// Appends a scaling activity.
    func appendActivity(_ activity: ApplicationAutoScaling.ScalingActivity) async throws
    /// Activities of a resource (all when nil), newest first, after the position `after`.
    func activities(resourceId: String?, after: Int64?, limit: Int) async throws
        -> (activities: [ApplicationAutoScaling.ScalingActivity], next: Int64?)
}
