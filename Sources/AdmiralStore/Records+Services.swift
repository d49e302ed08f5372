import AdmiralModel
import Foundation

/// An ECS service as the store keeps it: the wire shape (settings, deployments, events)
/// beside the facts the queries need.
public struct ServiceRecord: Sendable, Equatable, Codable {
    /// A service's status as ECS names it.
    public enum Status: String, Sendable, Equatable, Codable {
        case active = "ACTIVE"
        case draining = "DRAINING"
        case inactive = "INACTIVE"
    }

    public var cluster: String
    public var name: String
    public var status: Status
    /// The wire shape: everything but the counts and the ARNs, which are filled in on read.
    public var service: ECS.Service
    /// The clientToken it was created with.
    public var clientToken: String?
    /// Incremented on every change.
    public var version: Int

    /// Creates a record.
    public init(
        cluster: String, name: String, status: Status, service: ECS.Service, clientToken: String?, version: Int = 1
    ) {
        self.cluster = cluster
        self.name = name
        self.status = status
        self.service = service
        self.clientToken = clientToken
        self.version = version
    }

    /// `REPLICA` unless the service is a `DAEMON`.
    public var schedulingStrategy: ECS.SchedulingStrategy { service.schedulingStrategy ?? .replica }
}
