import AdmiralModel
import AdmiralStore
import Foundation

extension LogsService {
    /// CreateLogGroup.
    public func createLogGroup(_ input: Logs.CreateLogGroupRequest, context: RequestContext) async throws
        -> Logs.EmptyOutput
    {
        try LogNames.checkGroupName(input.logGroupName)
        if input.logGroupName.hasPrefix("aws/") {
            throw AdmiralError.invalidParameter("Log group names starting with 'aws/' are reserved for AWS.")
        }
        let tags = input.tags ?? [:]
        try Self.checkTags(tags)
        let logGroupClass = input.logGroupClass ?? .standard
        guard logGroupClass != .delivery else {
            throw AdmiralError.invalidParameter("DELIVERY log groups are created by CloudWatch Logs deliveries only.")
        }
        try await store.createGroup(
            LogGroupRecord(
                name: input.logGroupName, creationTime: Self.millis(context.now), kmsKeyId: input.kmsKeyId,
                logGroupClass: logGroupClass.rawValue, deletionProtection: input.deletionProtectionEnabled ?? false,
                tags: tags))
        return Logs.EmptyOutput()
    }

    /// DeleteLogGroup: the group, its streams, events and metric filters.
    public func deleteLogGroup(_ input: Logs.DeleteLogGroupRequest, context: RequestContext) async throws
        -> Logs.EmptyOutput
    {
        try LogNames.checkGroupName(input.logGroupName)
        guard let group = try await store.group(named: input.logGroupName) else { throw LogStoreErrors.groupNotFound }
        if group.deletionProtection {
            throw AdmiralError(
                .operationAborted,
                "Log group \(input.logGroupName) has deletion protection enabled: turn it off with "
                    + "PutLogGroupDeletionProtection first.")
        }
        try await store.deleteGroup(named: input.logGroupName)
        filters.invalidate(input.logGroupName)
        return Logs.EmptyOutput()
    }

    /// DescribeLogGroups: by name, filtered by prefix or pattern, 50 a page.
    public func describeLogGroups(_ input: Logs.DescribeLogGroupsRequest, context: RequestContext) async throws
        -> Logs.DescribeLogGroupsResponse
    {
        if input.logGroupNamePrefix != nil && input.logGroupNamePattern != nil {
            throw AdmiralError.invalidParameter(
                "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
        }
        let limit = try Self.checkLimit(input.limit, max: Logs.Limits.describePageSize)
        if let identifiers = input.logGroupIdentifiers {
            var found: [Logs.LogGroup] = []
            for identifier in identifiers {
                guard let name = LogNames.groupName(fromIdentifier: identifier),
                    let group = try await store.group(named: name)
                else { continue }
                found.append(render(group, context))
            }
            return Logs.DescribeLogGroupsResponse(logGroups: found)
        }
        let pattern = input.logGroupNamePattern.map { $0.hasPrefix("*") ? String($0.dropFirst()) : $0 }
        var groups = try await store.groups(
            prefix: input.logGroupNamePrefix, contains: pattern, after: input.nextToken, limit: limit + 1)
        if let wanted = input.logGroupClass {
            groups = groups.filter { $0.logGroupClass == wanted.rawValue }
        }
        let next = groups.count > limit ? groups[limit - 1].name : nil
        return Logs.DescribeLogGroupsResponse(
            logGroups: groups.prefix(limit).map { render($0, context) }, nextToken: next)
    }

    func render(_ group: LogGroupRecord, _ context: RequestContext) -> Logs.LogGroup {
        let arn = LogNames.groupARN(
            region: context.names.region, accountId: context.names.accountId, group: group.name)
        return Logs.LogGroup(
            logGroupName: group.name, creationTime: group.creationTime, retentionInDays: group.retentionInDays,
            metricFilterCount: group.metricFilterCount, arn: arn + ":*", storedBytes: group.storedBytes,
            kmsKeyId: group.kmsKeyId, logGroupClass: Logs.LogGroupClass(rawValue: group.logGroupClass),
            logGroupArn: arn, deletionProtectionEnabled: group.deletionProtection)
    }

    /// PutRetentionPolicy: events older than the period are deleted in the background.
    public func putRetentionPolicy(_ input: Logs.PutRetentionPolicyRequest, context: RequestContext) async throws
        -> Logs.EmptyOutput
    {
        try LogNames.checkGroupName(input.logGroupName)
        guard Logs.Limits.retentionDays.contains(input.retentionInDays) else {
            throw AdmiralError.invalidParameter(
                "1 validation error detected: Value '\(input.retentionInDays)' at 'retentionInDays' failed to "
                    + "satisfy constraint: Member must satisfy enum value set: "
                    + "[\(Logs.Limits.retentionDays.sorted().map(String.init).joined(separator: ", "))]")
        }
        let days = input.retentionInDays
        try await store.updateGroup(named: input.logGroupName) { $0.retentionInDays = days }
        retentionChanges.raise()
        return Logs.EmptyOutput()
    }

    /// DeleteRetentionPolicy: events are kept forever.
    public func deleteRetentionPolicy(_ input: Logs.DeleteRetentionPolicyRequest, context: RequestContext)
        async throws -> Logs.EmptyOutput
    {
        try LogNames.checkGroupName(input.logGroupName)
        try await store.updateGroup(named: input.logGroupName) { $0.retentionInDays = nil }
        return Logs.EmptyOutput()
    }

    /// PutLogGroupDeletionProtection.
    public func putLogGroupDeletionProtection(
        _ input: Logs.PutLogGroupDeletionProtectionRequest, context: RequestContext
    ) async throws -> Logs.EmptyOutput {
        guard let name = LogNames.groupName(fromIdentifier: input.logGroupIdentifier) else {
            throw AdmiralError.invalidParameter("'\(input.logGroupIdentifier)' is not a log group name or ARN.")
        }
        let enabled = input.deletionProtectionEnabled
        try await store.updateGroup(named: name) { $0.deletionProtection = enabled }
        return Logs.EmptyOutput()
    }

    // MARK: Streams

    /// CreateLogStream.
    public func createLogStream(_ input: Logs.CreateLogStreamRequest, context: RequestContext) async throws
        -> Logs.EmptyOutput
    {
        try LogNames.checkGroupName(input.logGroupName)
        try LogNames.checkStreamName(input.logStreamName)
        try await store.createStream(
            group: input.logGroupName, name: input.logStreamName, creationTime: Self.millis(context.now))
        return Logs.EmptyOutput()
    }

    /// DeleteLogStream: the stream and its events.
    public func deleteLogStream(_ input: Logs.DeleteLogStreamRequest, context: RequestContext) async throws
        -> Logs.EmptyOutput
    {
        try LogNames.checkGroupName(input.logGroupName)
        try LogNames.checkStreamName(input.logStreamName)
        try await store.deleteStream(group: input.logGroupName, name: input.logStreamName)
        return Logs.EmptyOutput()
    }

    /// DescribeLogStreams: by name (with a prefix) or by last event time, 50 a page.
    public func describeLogStreams(_ input: Logs.DescribeLogStreamsRequest, context: RequestContext) async throws
        -> Logs.DescribeLogStreamsResponse
    {
        let group = try Self.groupName(name: input.logGroupName, identifier: input.logGroupIdentifier)
        let order: LogStreamOrder = input.orderBy == .lastEventTime ? .lastEventTime : .name
        if order == .lastEventTime && input.logStreamNamePrefix != nil {
            throw AdmiralError.invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
        }
        let limit = try Self.checkLimit(input.limit, max: Logs.Limits.describePageSize)
        let offset =
            try input.nextToken.map { token -> Int in
                guard let offset = Int(token), offset >= 0 else {
                    throw AdmiralError.invalidParameter("The specified nextToken is invalid.")
                }
                return offset
            } ?? 0
        let streams = try await store.streams(
            group: group, prefix: input.logStreamNamePrefix, order: order, descending: input.descending ?? false,
            offset: offset, limit: limit + 1)
        let arn = LogNames.groupARN(region: context.names.region, accountId: context.names.accountId, group: group)
        return Logs.DescribeLogStreamsResponse(
            logStreams: streams.prefix(limit).map { stream in
                Logs.LogStream(
                    logStreamName: stream.name, creationTime: stream.creationTime,
                    firstEventTimestamp: stream.firstEventTimestamp, lastEventTimestamp: stream.lastEventTimestamp,
                    lastIngestionTime: stream.lastIngestionTime, arn: "\(arn):log-stream:\(stream.name)",
                    storedBytes: stream.storedBytes)
            }, nextToken: streams.count > limit ? String(offset + limit) : nil)
    }
}
