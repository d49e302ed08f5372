/// One message of `GET /events`.
public struct DockerEvent: Codable, Sendable, Equatable {
    /// What kind of object it is about: `container`, `image`, `network`, ...
    public var type: String
    /// What happened: `create`, `start`, `die`, `kill`, `oom`, `destroy`,
    /// `health_status: healthy`, ...
    public var action: String
    /// The object: its id and attributes (for containers: labels, `name`, `image`,
    /// `exitCode` on `die`, `signal` on `kill`).
    public var actor: Actor
    /// `local` or `swarm`.
    public var scope: String?
    /// When it happened, in seconds since 1970.
    public var time: Int64?
    /// When it happened, in nanoseconds since 1970.
    public var timeNano: Int64?

    /// The object an event is about.
    public struct Actor: Codable, Sendable, Equatable {
        /// The object's id (for containers the full container id).
        public var id: String
        /// The object's attributes.
        public var attributes: [String: String]

        enum CodingKeys: String, CodingKey {
            case id = "ID"
            case attributes = "Attributes"
        }

        /// Creates an actor.
        public init(id: String, attributes: [String: String] = [:]) {
            self.id = id
            self.attributes = attributes
        }

        /// Decodes an actor; attributes may be missing.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
            attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
        }
    }

    enum CodingKeys: String, CodingKey {
        case type = "Type"
        case action = "Action"
        case actor = "Actor"
        case scope
        case time
        case timeNano
    }

    /// Creates an event.
    public init(
        type: String, action: String, actor: Actor, scope: String? = nil, time: Int64? = nil,
        timeNano: Int64? = nil
    ) {
        self.type = type
        self.action = action
        self.actor = actor
        self.scope = scope
        self.time = time
        self.timeNano = timeNano
    }

    /// The exit code reported by a container's `die` event.
    public var exitCode: Int? {
        actor.attributes["exitCode"].flatMap { Int($0) }
    }

    /// The health status reported by a `health_status: <status>` event.
    public var healthStatus: String? {
        let prefix = "health_status: "
        guard action.hasPrefix(prefix) else { return nil }
        return String(action.dropFirst(prefix.count))
    }
}

/// What `GET /events` should report.
public struct EventFilter: Sendable, Equatable {
    /// Object types, such as `container`.
    public var types: [String]
    /// Labels the object must carry: `key` or `key=value`.
    public var labels: [String]
    /// Actions, such as `die` or `start`.
    public var events: [String]
    /// Container ids or names.
    public var containers: [String]

    /// Creates a filter; empty lists do not filter.
    public init(types: [String] = [], labels: [String] = [], events: [String] = [], containers: [String] = []) {
        self.types = types
        self.labels = labels
        self.events = events
        self.containers = containers
    }

    /// Container events only, optionally only of containers with the given labels.
    public static func containers(labels: [String] = []) -> EventFilter {
        EventFilter(types: ["container"], labels: labels)
    }

    /// The Engine API's `filters` object.
    var engineFilters: [String: [String]] {
        var filters: [String: [String]] = [:]
        if !types.isEmpty { filters["type"] = types }
        if !labels.isEmpty { filters["label"] = labels }
        if !events.isEmpty { filters["event"] = events }
        if !containers.isEmpty { filters["container"] = containers }
        return filters
    }
}
