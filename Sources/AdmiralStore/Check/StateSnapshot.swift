import AdmiralModel
import Foundation

/// The whole control-plane state as `admiral check` reads it: every row of the control
/// plane's database (clusters, task definitions, container instances, tasks, services,
/// load balancing), and the ARN-bearing objects of the side databases (alarms, scaling
/// targets and policies). The invariants are pure functions of this value.
public struct StateSnapshot: Sendable {
    /// A cluster row.
    public struct Cluster: Sendable, Hashable {
        public var name: String
        public var status: String

        /// Creates a cluster row.
        public init(name: String, status: String) {
            self.name = name
            self.status = status
        }
    }

    /// A task definition row: its key and status (the body is the client's).
    public struct TaskDefinitionRow: Sendable, Hashable {
        public var family: String
        public var revision: Int
        public var status: String

        /// Creates a task definition row.
        public init(family: String, revision: Int, status: String) {
            self.family = family
            self.revision = revision
            self.status = status
        }
    }

    /// A JSON object of a side database whose ARNs are checked (an alarm, a scaling
    /// target or policy), named for messages.
    public struct StoredObject: Sendable, Hashable {
        /// What it is, for messages: `alarm cpu-high`, `scaling policy web-out`.
        public var name: String
        /// Its ARN when it has one, else its name.
        public var subject: String
        /// The stored JSON.
        public var body: Data

        /// Creates an object.
        public init(name: String, subject: String, body: Data) {
            self.name = name
            self.subject = subject
            self.body = body
        }
    }

    public var clusters: [Cluster] = []
    public var taskDefinitions: [TaskDefinitionRow] = []
    /// The last revision each family handed out (`task_definition_families.last_revision`).
    public var familyCounters: [String: Int] = [:]
    public var instances: [ContainerInstanceRecord] = []
    public var tasks: [TaskRecord] = []
    public var services: [ServiceRecord] = []
    public var loadBalancing = LoadBalancingState()
    /// Alarms (from `metrics.sqlite`), when that database exists.
    public var alarms: [StoredObject] = []
    /// Scaling targets, policies and scheduled actions (from `autoscaling.sqlite`).
    public var scalingObjects: [StoredObject] = []
    /// Rows that could not be decoded: each is a violation of its own.
    public var unreadable: [Violation] = []

    /// An empty snapshot.
    public init() {}

    /// The tasks that still hold their instance's resources (not STOPPED).
    public var liveTasks: [TaskRecord] { tasks.filter { $0.lastStatus.holdsResources } }

    /// What was read, as the summary line counts it: `name=count` pairs.
    public var counts: [(String, Int)] {
        [
            ("clusters", clusters.count),
            ("container_instances", instances.count),
            ("tasks", tasks.count),
            ("live_tasks", liveTasks.count),
            ("services", services.count),
            ("task_definitions", taskDefinitions.count),
            ("families", Set(taskDefinitions.map(\.family)).union(familyCounters.keys).count),
            ("load_balancers", loadBalancing.loadBalancers.count),
            ("target_groups", loadBalancing.targetGroups.count),
            ("targets", loadBalancing.targets.count),
            ("alarms", alarms.count),
            ("scaling_objects", scalingObjects.count),
        ]
    }
}
