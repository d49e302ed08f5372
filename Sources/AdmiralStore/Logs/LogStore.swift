import AdmiralModel
import Foundation

/// A log group as stored.
public struct LogGroupRecord: Sendable, Hashable {
    /// The group's name.
    public var name: String
    /// When it was created, in milliseconds since the epoch.
    public var creationTime: Int
    /// How many days events are kept; nil keeps them forever.
    public var retentionInDays: Int?
    /// The KMS key named at creation (kept, not used).
    public var kmsKeyId: String?
    /// `STANDARD` or `INFREQUENT_ACCESS`.
    public var logGroupClass: String
    /// Whether DeleteLogGroup is refused.
    public var deletionProtection: Bool
    /// The group's tags.
    public var tags: [String: String]
    /// The bytes of the events stored in it (filled in on read).
    public var storedBytes: Int
    /// How many metric filters it has (filled in on read).
    public var metricFilterCount: Int

    /// Creates a record.
    public init(
        name: String, creationTime: Int, retentionInDays: Int? = nil, kmsKeyId: String? = nil,
        logGroupClass: String = "STANDARD", deletionProtection: Bool = false, tags: [String: String] = [:],
        storedBytes: Int = 0, metricFilterCount: Int = 0
    ) {
        self.name = name
        self.creationTime = creationTime
        self.retentionInDays = retentionInDays
        self.kmsKeyId = kmsKeyId
        self.logGroupClass = logGroupClass
        self.deletionProtection = deletionProtection
        self.tags = tags
        self.storedBytes = storedBytes
        self.metricFilterCount = metricFilterCount
    }
}

/// A log stream as stored.
public struct LogStreamRecord: Sendable, Hashable {
    /// The stream's name.
    public var name: String
    /// When it was created, in milliseconds since the epoch.
    public var creationTime: Int
    /// The oldest event's timestamp.
    public var firstEventTimestamp: Int?
    /// The newest event's timestamp.
    public var lastEventTimestamp: Int?
    /// When events were last stored.
    public var lastIngestionTime: Int?
    /// The bytes of its events.
    public var storedBytes: Int

    /// Creates a record.
    public init(
        name: String, creationTime: Int, firstEventTimestamp: Int? = nil, lastEventTimestamp: Int? = nil,
        lastIngestionTime: Int? = nil, storedBytes: Int = 0
    ) {
        self.name = name
        self.creationTime = creationTime
        self.firstEventTimestamp = firstEventTimestamp
        self.lastEventTimestamp = lastEventTimestamp
        self.lastIngestionTime = lastIngestionTime
        self.storedBytes = storedBytes
    }
}

/// A stored event. Events are ordered by (timestamp, id): `id` is the store's insertion
/// order and breaks ties, so order is total and stable.
public struct StoredLogEvent: Sendable, Hashable {
    /// The event's id, unique in the store.
    public var id: Int64
    /// The stream that holds it.
    public var stream: String
    /// Its timestamp, in milliseconds since the epoch.
    public var timestamp: Int
    /// When it was stored, in milliseconds since the epoch.
    public var ingestionTime: Int
    /// Its message.
    public var message: String

    /// The event's place in the order of events.
    public var position: LogPosition { LogPosition(timestamp: timestamp, id: id) }

    /// Creates an event.
    public init(id: Int64, stream: String, timestamp: Int, ingestionTime: Int, message: String) {
        self.id = id
        self.stream = stream
        self.timestamp = timestamp
        self.ingestionTime = ingestionTime
        self.message = message
    }
}

/// A place in the order of events: before or after an event with this timestamp and id.
public struct LogPosition: Sendable, Hashable, Comparable {
    /// The timestamp.
    public var timestamp: Int
    /// The id.
    public var id: Int64

    /// Creates a position.
    public init(timestamp: Int, id: Int64) {
        self.timestamp = timestamp
        self.id = id
    }

    public static func < (lhs: LogPosition, rhs: LogPosition) -> Bool {
        (lhs.timestamp, lhs.id) < (rhs.timestamp, rhs.id)
    }
}

/// An event to store.
public struct LogEventWrite: Sendable, Hashable {
    /// Its index in the batch as sent (which the batch's ordinal counts from).
    public var index: Int
    /// Its timestamp, in milliseconds since the epoch.
    public var timestamp: Int
    /// Its message.
    public var message: String

    /// Creates a write.
    public init(index: Int, timestamp: Int, message: String) {
        self.index = index
        self.timestamp = timestamp
        self.message = message
    }
}

/// What a put stored.
public struct LogPutOutcome: Sendable, Hashable {
    /// The events stored.
    public var stored: Int
    /// The events left out because an earlier call with the same ordinals stored them.
    public var duplicates: Int

    /// Creates an outcome.
    public init(stored: Int, duplicates: Int) {
        self.stored = stored
        self.duplicates = duplicates
    }
}

/// The order DescribeLogStreams lists streams in.
public enum LogStreamOrder: Sendable {
    /// By name.
    case name
    /// By the newest event's timestamp.
    case lastEventTime
}

/// A metric filter as stored.
public struct MetricFilterRecord: Sendable, Hashable, Codable {
    /// The group it reads.
    public var group: String
    /// Its name.
    public var name: String
    /// Its pattern, as written.
    public var pattern: String
    /// The metrics it publishes.
    public var transformations: [Logs.MetricTransformation]
    /// When it was created, in milliseconds since the epoch.
    public var creationTime: Int

    /// Creates a record.
    public init(
        group: String, name: String, pattern: String, transformations: [Logs.MetricTransformation], creationTime: Int
    ) {
        self.group = group
        self.name = name
        self.pattern = pattern
        self.transformations = transformations
        self.creationTime = creationTime
    }
}

/// A page of FilterLogEvents' scan.
public struct LogFilterPage: Sendable {
    /// The matching events, oldest first.
    public var events: [StoredLogEvent]
    /// The streams searched.
    public var streams: [String]
    /// Where the next page starts, nil when the scan is complete.
    public var next: LogPosition?

    /// Creates a page.
    public init(events: [StoredLogEvent], streams: [String], next: LogPosition?) {
        self.events = events
        self.streams = streams
        self.next = next
    }
}

/// Where CloudWatch Logs keeps its groups, streams, events and metric filters. Events
/// live apart from the control plane's store (a database file of their own) so that heavy
/// logging never queues in front of RunTask's writes. Missing groups and streams are
/// reported as `ResourceNotFoundException`, existing ones as
/// `ResourceAlreadyExistsException`, with CloudWatch Logs' messages.
public protocol LogStore: Sendable {
    /// Creates a group.
    func createGroup(_ group: LogGroupRecord) async throws
    /// Deletes a group, its streams, events and metric filters.
    func deleteGroup(named name: String) async throws
    /// The group of that name, nil when there is none.
    func group(named name: String) async throws -> LogGroupRecord?
    /// Groups by name: those starting with `prefix` or containing `contains` (when given),
    /// after the name `after`, at most `limit`.
    func groups(prefix: String?, contains: String?, after: String?, limit: Int) async throws -> [LogGroupRecord]
    /// The retention in days of the group of that name (nil: kept forever), without the
    /// sums a full record costs; throws when there is no such group.
    func retention(ofGroup name: String) async throws -> Int?
    /// Changes a group (its retention, tags, protection) in one transaction.
    func updateGroup(named name: String, _ change: @Sendable (inout LogGroupRecord) throws -> Void) async throws

    /// Creates a stream in a group.
    func createStream(group: String, name: String, creationTime: Int) async throws
    /// Deletes a stream and its events.
    func deleteStream(group: String, name: String) async throws
    /// The group's streams whose name starts with `prefix`, in `order`, skipping `offset`,
    /// at most `limit`.
    func streams(
        group: String, prefix: String?, order: LogStreamOrder, descending: Bool, offset: Int, limit: Int
    ) async throws -> [LogStreamRecord]

    /// Stores events in a stream in one transaction, durable when it returns. With an
    /// `ordinal` (the number of the batch's first event in its producer's output), events
    /// whose number the stream has already stored are left out, so a batch sent again
    /// stores nothing twice; `batchCount` is the number of events the batch numbered.
    func putEvents(
        group: String, stream: String, events: [LogEventWrite], ingestionTime: Int, ordinal: Int64?, batchCount: Int
    ) async throws -> LogPutOutcome

    /// Up to `limit` events of a stream in `[start, end)` (either open when nil), oldest
    /// first: the first ones after `after` (or from the start) when `forward`, else the
    /// last ones before `before` (or the end). At most `maxBytes` of messages.
    func events(
        group: String, stream: String, start: Int?, end: Int?, after: LogPosition?, before: LogPosition?,
        forward: Bool, limit: Int, maxBytes: Int
    ) async throws -> [StoredLogEvent]

    /// Events of a group's streams (those named, or starting with `prefix`, or all) in
    /// `[start, end]`, after `after`, interleaved by time, that `pattern` selects: at most
    /// `limit` events and `maxBytes` of messages, reading at most `scanLimit` events.
    func filterEvents(
        group: String, streams: [String]?, prefix: String?, start: Int?, end: Int?, after: LogPosition?, limit: Int,
        maxBytes: Int, scanLimit: Int, pattern: LogFilterPattern
    ) async throws -> LogFilterPage

    /// Deletes events older than their group's retention; returns how many.
    func expire(now: Int) async throws -> Int

    /// Creates or replaces a metric filter (at most `limit` per group).
    func putMetricFilter(_ filter: MetricFilterRecord, limit: Int) async throws
    /// Metric filters by group and name.
    func metricFilters(group: String?) async throws -> [MetricFilterRecord]
    /// Deletes a metric filter.
    func deleteMetricFilter(group: String, name: String) async throws
}

/// CloudWatch Logs' not-found and already-exists errors.
public enum LogStoreErrors {
    /// The group is missing.
    public static let groupNotFound = AdmiralError(.resourceNotFound, "The specified log group does not exist.")
    /// The stream is missing.
    public static let streamNotFound = AdmiralError(.resourceNotFound, "The specified log stream does not exist.")
    /// The group exists.
    public static let groupExists = AdmiralError(.resourceAlreadyExists, "The specified log group already exists")
    /// The stream exists.
    public static let streamExists = AdmiralError(.resourceAlreadyExists, "The specified log stream already exists")
    /// The metric filter is missing.
    public static let filterNotFound = AdmiralError(.resourceNotFound, "The specified metric filter does not exist.")
}
