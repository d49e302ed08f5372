import AWSWire
import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import Foundation

/// The CloudWatch Logs service of the endpoint (awsJson 1.1, `Logs_20140328.<Operation>`):
/// decodes the operation's input, calls ``LogsService``, encodes the output.
struct LogsHandler: Sendable {
    typealias Operation =
        @Sendable (_ body: [UInt8], _ context: RequestContext, _ ordinal: Int64?) async throws -> [UInt8]

    let operations: [String: Operation]

    init(service: LogsService) {
        operations = [
            "CreateLogGroup": Self.operation(service.createLogGroup),
            "DeleteLogGroup": Self.operation(service.deleteLogGroup),
            "DescribeLogGroups": Self.operation(service.describeLogGroups),
            "PutRetentionPolicy": Self.operation(service.putRetentionPolicy),
            "DeleteRetentionPolicy": Self.operation(service.deleteRetentionPolicy),
            "PutLogGroupDeletionProtection": Self.operation(service.putLogGroupDeletionProtection),
            "CreateLogStream": Self.operation(service.createLogStream),
            "DeleteLogStream": Self.operation(service.deleteLogStream),
            "DescribeLogStreams": Self.operation(service.describeLogStreams),
            "PutLogEvents": { body, context, ordinal in
                // A batch of thousands of events is decoded off the event loops, on the
                // low-priority pool where its commit runs too.
                @Sendable func decode() throws -> Logs.PutLogEventsRequest {
                    try JSONInput.decode(Logs.PutLogEventsRequest.self, from: body)
                }
                let input =
                    body.count <= CloudWatchHandler.inlineDecodeLimit ? try decode() : try await BackgroundPool.run(decode)
                let output = try await service.putLogEvents(input, context: context, ordinal: ordinal)
                return Array(try Self.encoder.encode(output))
            },
            "GetLogEvents": Self.operation(service.getLogEvents),
            "FilterLogEvents": Self.operation(service.filterLogEvents),
            "PutMetricFilter": Self.operation(service.putMetricFilter),
            "DescribeMetricFilters": Self.operation(service.describeMetricFilters),
            "DeleteMetricFilter": Self.operation(service.deleteMetricFilter),
            "TestMetricFilter": Self.operation(service.testMetricFilter),
            "TagResource": Self.operation(service.tagResource),
            "UntagResource": Self.operation(service.untagResource),
            "ListTagsForResource": Self.operation(service.listTagsForResource),
            "TagLogGroup": Self.operation(service.tagLogGroup),
            "UntagLogGroup": Self.operation(service.untagLogGroup),
            "ListTagsLogGroup": Self.operation(service.listTagsLogGroup),
        ]
    }

    static let encoder = ECS.makeEncoder()

    /// Runs an operation; `ordinal` is the agent's `x-admiral-log-ordinal` header.
    func handle(operation name: String, body: [UInt8], context: RequestContext, ordinal: Int64?) async throws
        -> [UInt8]
    {
        guard let operation = operations[name] else {
            throw AWSWireError(
                code: "UnknownOperationException",
                message: "Admiral does not implement CloudWatch Logs' \(name); see docs/USER_GUIDE.md for the "
                    + "operations it serves.")
        }
        return try await operation(body, context, ordinal)
    }

    static func operation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ call: @escaping @Sendable (Input, RequestContext) async throws -> Output
    ) -> Operation {
        { body, context, _ in
            let input = try JSONInput.decode(Input.self, from: body)
            let output = try await call(input, context)
            return Array(try encoder.encode(output))
        }
    }
}
