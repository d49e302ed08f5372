import AdmiralModel
import AdmiralStore
import Foundation
import Logging

extension LogsService {
    /// PutMetricFilter: creates or replaces a filter whose matching events become
    /// CloudWatch datapoints.
    public func putMetricFilter(_ input: Logs.PutMetricFilterRequest, context: RequestContext) async throws
        -> Logs.EmptyOutput
    {
        try LogNames.checkGroupName(input.logGroupName)
        try LogNames.checkFilterName(input.filterName)
        guard input.filterPattern.utf8.count <= 1024 else {
            throw AdmiralError.invalidParameter("The filter pattern is longer than 1024 characters.")
        }
        _ = try LogFilterPattern(input.filterPattern)
        guard input.metricTransformations.count == 1 else {
            throw AdmiralError.invalidParameter("A metric filter has exactly one metric transformation.")
        }
        for transformation in input.metricTransformations {
            guard !transformation.metricName.isEmpty, transformation.metricName.count <= 255,
                !transformation.metricNamespace.isEmpty, transformation.metricNamespace.count <= 255
            else {
                throw AdmiralError.invalidParameter("metricName and metricNamespace must be 1 to 255 characters.")
            }
            if transformation.metricNamespace.hasPrefix("AWS/") {
                throw AdmiralError.invalidParameter("The namespace \(transformation.metricNamespace) is reserved.")
            }
            let value = transformation.metricValue.trimmingCharacters(in: .whitespaces)
            guard Double(value) != nil || value.hasPrefix("$") else {
                throw AdmiralError.invalidParameter(
                    "Invalid metric value '\(transformation.metricValue)': use a number or a field of the pattern "
                        + "($.field for JSON patterns, $name for space-delimited ones).")
            }
            if transformation.dimensions != nil && transformation.defaultValue != nil {
                throw AdmiralError.invalidParameter(
                    "A metric transformation with dimensions cannot have a default value.")
            }
            if (transformation.dimensions?.count ?? 0) > 3 {
                throw AdmiralError.invalidParameter("A metric transformation has at most 3 dimensions.")
            }
        }
        try await store.putMetricFilter(
            MetricFilterRecord(
                group: input.logGroupName, name: input.filterName, pattern: input.filterPattern,
                transformations: input.metricTransformations, creationTime: Self.millis(context.now)),
            limit: Logs.Limits.metricFiltersPerGroup)
        filters.invalidate(input.logGroupName)
        return Logs.EmptyOutput()
    }

    /// DescribeMetricFilters.
    public func describeMetricFilters(_ input: Logs.DescribeMetricFiltersRequest, context: RequestContext)
        async throws -> Logs.DescribeMetricFiltersResponse
    {
        if let group = input.logGroupName { try LogNames.checkGroupName(group) }
        if input.filterNamePrefix != nil && input.logGroupName == nil {
            throw AdmiralError.invalidParameter("filterNamePrefix requires logGroupName.")
        }
        if (input.metricName == nil) != (input.metricNamespace == nil) {
            throw AdmiralError.invalidParameter("metricName and metricNamespace must be given together.")
        }
        let limit = try Self.checkLimit(input.limit, max: Logs.Limits.describePageSize)
        let offset = input.nextToken.flatMap(Int.init) ?? 0
        var records = try await store.metricFilters(group: input.logGroupName)
        if let prefix = input.filterNamePrefix { records = records.filter { $0.name.hasPrefix(prefix) } }
        if let name = input.metricName, let namespace = input.metricNamespace {
            records = records.filter { record in
                record.transformations.contains { $0.metricName == name && $0.metricNamespace == namespace }
            }
        }
        let page = records.dropFirst(offset).prefix(limit)
        return Logs.DescribeMetricFiltersResponse(
            metricFilters: page.map {
                Logs.MetricFilter(
                    filterName: $0.name, filterPattern: $0.pattern, metricTransformations: $0.transformations,
                    creationTime: $0.creationTime, logGroupName: $0.group)
            }, nextToken: records.count > offset + limit ? String(offset + limit) : nil)
    }

    /// DeleteMetricFilter.
    public func deleteMetricFilter(_ input: Logs.DeleteMetricFilterRequest, context: RequestContext) async throws
        -> Logs.EmptyOutput
    {
        try LogNames.checkGroupName(input.logGroupName)
        try await store.deleteMetricFilter(group: input.logGroupName, name: input.filterName)
        filters.invalidate(input.logGroupName)
        return Logs.EmptyOutput()
    }

    /// TestMetricFilter: which of the messages the pattern selects, with the values it
    /// extracts.
    public func testMetricFilter(_ input: Logs.TestMetricFilterRequest, context: RequestContext) async throws
        -> Logs.TestMetricFilterResponse
    {
        guard (1...Logs.Limits.testMessages).contains(input.logEventMessages.count) else {
            throw AdmiralError.invalidParameter(
                "logEventMessages must hold between 1 and \(Logs.Limits.testMessages) messages.")
        }
        let pattern = try LogFilterPattern(input.filterPattern)
        var matches: [Logs.MetricFilterMatchRecord] = []
        for (index, message) in input.logEventMessages.enumerated() {
            guard let match = pattern.match(message) else { continue }
            matches.append(
                Logs.MetricFilterMatchRecord(
                    eventNumber: index + 1, eventMessage: message, extractedValues: match.values))
        }
        return Logs.TestMetricFilterResponse(matches: matches)
    }

    /// Publishes the datapoints of a group's metric filters for stored events: one value
    /// per matching event at the event's time, and a filter's default value once for a
    /// batch it matched nothing in.
    func applyMetricFilters(group: String, events: [LogEventWrite], now: Date) async throws {
        let compiled = try await filters.filters(of: group, store: store)
        guard !compiled.isEmpty else { return }
        var byNamespace: [String: [CloudWatch.MetricDatum]] = [:]
        for filter in compiled {
            var matched = false
            for event in events {
                guard let match = filter.pattern.match(event.message) else { continue }
                matched = true
                for transformation in filter.record.transformations {
                    guard let value = LogFilterPattern.metricValue(transformation.metricValue, in: match) else {
                        continue
                    }
                    var dimensions: [CloudWatch.Dimension] = []
                    for (name, selector) in (transformation.dimensions ?? [:]).sorted(by: { $0.key < $1.key }) {
                        guard let resolved = match.values[selector] else { continue }
                        dimensions.append(CloudWatch.Dimension(name: name, value: resolved))
                    }
                    byNamespace[transformation.metricNamespace, default: []].append(
                        CloudWatch.MetricDatum(
                            metricName: transformation.metricName, dimensions: dimensions.isEmpty ? nil : dimensions,
                            timestamp: Date(timeIntervalSince1970: Double(event.timestamp) / 1000), value: value,
                            unit: transformation.unit.flatMap { CloudWatch.StandardUnit(rawValue: $0.rawValue) }))
                }
            }
            if !matched {
                for transformation in filter.record.transformations {
                    guard let value = transformation.defaultValue else { continue }
                    byNamespace[transformation.metricNamespace, default: []].append(
                        CloudWatch.MetricDatum(
                            metricName: transformation.metricName, timestamp: now, value: value,
                            unit: transformation.unit.flatMap { CloudWatch.StandardUnit(rawValue: $0.rawValue) }))
                }
            }
        }
        for (namespace, data) in byNamespace {
            try await cloudWatch.publish(namespace: namespace, data: data, now: now)
        }
    }
}
