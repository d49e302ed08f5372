import AWSWire
import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import Foundation

/// The CloudWatch service of the endpoint, in both of its protocols: awsJson 1.0
/// (`GraniteServiceVersion20100801.<Action>`, what the `aws` CLI and boto3 send) and
/// the Query protocol (`Action=...&Version=2010-08-01`, XML answers) of older SDKs. The
/// shapes are the same; only decoding and encoding differ.
struct CloudWatchHandler: Sendable {
    /// How a request arrived, and so how its answer is written.
    enum Wire: Sendable {
        case json([UInt8])
        case query(QueryRequest)

        /// The request's size: the body's bytes, or the Query parameters' names and values.
        var size: Int {
            switch self {
            case .json(let body): body.count
            case .query(let request): request.parameters.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
            }
        }
    }

    typealias Operation =
        @Sendable (_ wire: Wire, _ context: RequestContext, _ requestId: String) async throws -> [UInt8]

    let operations: [String: Operation]

    static let queryDecoder = QueryDecoder(keyStrategy: .useDefaultKeys)
    static let queryEncoder = QueryResponseEncoder(namespace: CloudWatch.xmlNamespace)

    /// Operations of the API that Admiral does not serve, with the reason.
    static let unsupported: [String: String] = [
        "PutAnomalyDetector": "anomaly detection models are not trained",
        "DescribeAnomalyDetectors": "anomaly detection models are not trained",
        "DeleteAnomalyDetector": "anomaly detection models are not trained",
        "PutInsightRule": "Contributor Insights reads CloudWatch Logs, which is not served yet",
        "DescribeInsightRules": "Contributor Insights reads CloudWatch Logs, which is not served yet",
        "DeleteInsightRules": "Contributor Insights reads CloudWatch Logs, which is not served yet",
        "EnableInsightRules": "Contributor Insights reads CloudWatch Logs, which is not served yet",
        "DisableInsightRules": "Contributor Insights reads CloudWatch Logs, which is not served yet",
        "GetInsightRuleReport": "Contributor Insights reads CloudWatch Logs, which is not served yet",
        "PutManagedInsightRules": "Contributor Insights reads CloudWatch Logs, which is not served yet",
        "ListManagedInsightRules": "Contributor Insights reads CloudWatch Logs, which is not served yet",
        "PutMetricStream": "metric streams deliver to Kinesis Data Firehose",
        "GetMetricStream": "metric streams deliver to Kinesis Data Firehose",
        "ListMetricStreams": "metric streams deliver to Kinesis Data Firehose",
        "DeleteMetricStream": "metric streams deliver to Kinesis Data Firehose",
        "StartMetricStreams": "metric streams deliver to Kinesis Data Firehose",
        "StopMetricStreams": "metric streams deliver to Kinesis Data Firehose",
        "GetMetricWidgetImage": "widget images need a chart renderer",
        "DescribeAlarmContributors": "alarm contributors belong to Contributor Insights alarms",
        "PutAlarmMuteRule": "alarm mute rules are not served yet",
        "GetAlarmMuteRule": "alarm mute rules are not served yet",
        "ListAlarmMuteRules": "alarm mute rules are not served yet",
        "DeleteAlarmMuteRule": "alarm mute rules are not served yet",
        "GetOTelEnrichment": "OpenTelemetry enrichment is an AWS feature",
        "StartOTelEnrichment": "OpenTelemetry enrichment is an AWS feature",
        "StopOTelEnrichment": "OpenTelemetry enrichment is an AWS feature",
    ]

    init(service: CloudWatchService) {
        operations = [
            "PutMetricData": Self.putMetricData(service),
            "ListMetrics": Self.operation("ListMetrics", service.listMetrics),
            "GetMetricStatistics": Self.operation("GetMetricStatistics", service.getMetricStatistics),
            "GetMetricData": Self.operation("GetMetricData", service.getMetricData),
            "PutMetricAlarm": Self.operation("PutMetricAlarm", service.putMetricAlarm),
            "PutCompositeAlarm": Self.operation("PutCompositeAlarm", service.putCompositeAlarm),
            "DescribeAlarms": Self.operation("DescribeAlarms", service.describeAlarms),
            "DescribeAlarmsForMetric": Self.operation("DescribeAlarmsForMetric", service.describeAlarmsForMetric),
            "DeleteAlarms": Self.operation("DeleteAlarms", service.deleteAlarms),
            "SetAlarmState": Self.operation("SetAlarmState", service.setAlarmState),
            "DescribeAlarmHistory": Self.operation("DescribeAlarmHistory", service.describeAlarmHistory),
            "EnableAlarmActions": Self.operation("EnableAlarmActions", service.enableAlarmActions),
            "DisableAlarmActions": Self.operation("DisableAlarmActions", service.disableAlarmActions),
            "PutDashboard": Self.operation("PutDashboard", service.putDashboard),
            "GetDashboard": Self.operation("GetDashboard", service.getDashboard),
            "ListDashboards": Self.operation("ListDashboards", service.listDashboards),
            "DeleteDashboards": Self.operation("DeleteDashboards", service.deleteDashboards),
            "TagResource": Self.operation("TagResource", service.tagResource),
            "UntagResource": Self.operation("UntagResource", service.untagResource),
            "ListTagsForResource": Self.operation("ListTagsForResource", service.listTagsForResource),
        ]
    }

    /// PutMetricData's limit on a request, after decompression: 1 MB.
    static let putMetricDataLimit = 1_048_576

    func handle(action: String, wire: Wire, context: RequestContext, requestId: String) async throws -> [UInt8] {
        if action == "PutMetricData" {
            let size = wire.size
            if size > Self.putMetricDataLimit {
                throw AWSWireError(
                    code: "RequestEntityTooLarge",
                    message: "Request size \(size) exceeded \(Self.putMetricDataLimit) bytes: send fewer metric data "
                        + "per PutMetricData call.", httpStatus: 413)
            }
        }
        guard let operation = operations[action] else {
            if let reason = Self.unsupported[action] {
                throw AWSWireError(
                    code: "InvalidAction", message: "Admiral does not implement \(action): \(reason).")
            }
            throw AWSWireError(
                code: "InvalidAction", message: "The action \(action) is not valid for this web service.")
        }
        return try await operation(wire, context, requestId)
    }

    /// Bodies up to this size are decoded where they arrive: a call of a few metrics takes
    /// less time to decode than to hand to another thread and back.
    static let inlineDecodeLimit = 4096

    /// PutMetricData: the body is decoded, checked and merged into bucket writes (on the
    /// ``BackgroundPool``, off the event loops, unless it is small); the writes are then
    /// stored.
    static func putMetricData(_ service: CloudWatchService) -> Operation {
        { wire, context, requestId in
            @Sendable func prepare() throws -> [MetricWrite] {
                let input =
                    switch wire {
                    case .json(let body): try CloudWatchJSON.decode(CloudWatch.PutMetricDataInput.self, from: body)
                    case .query(let request): try queryDecoder.decode(CloudWatch.PutMetricDataInput.self, from: request)
                    }
                try checkConstraints(input)
                return try CloudWatchService.metricWrites(of: input, now: context.now)
            }
            let writes = wire.size <= inlineDecodeLimit ? try prepare() : try await BackgroundPool.run(prepare)
            try await service.store(writes, publishedAt: context.now)
            switch wire {
            case .json: return try CloudWatchJSON.encode(CloudWatch.EmptyOutput())
            case .query: return queryEncoder.encode(action: "PutMetricData", requestId: requestId)
            }
        }
    }

    static func operation<Input: Decodable & Sendable & ModelConstraints, Output: Encodable & Sendable>(
        _ action: String, _ call: @escaping @Sendable (Input, RequestContext) async throws -> Output
    ) -> Operation {
        { wire, context, requestId in
            switch wire {
            case .json(let body):
                let input = try CloudWatchJSON.decode(Input.self, from: body)
                try checkConstraints(input)
                let output = try await call(input, context)
                return try CloudWatchJSON.encode(output)
            case .query(let request):
                let input = try queryDecoder.decode(Input.self, from: request)
                try checkConstraints(input)
                let output = try await call(input, context)
                if output is CloudWatch.EmptyOutput, !emptyResults.contains(action) {
                    return queryEncoder.encode(action: action, requestId: requestId)
                }
                return try queryEncoder.encode(output, action: action, requestId: requestId)
            }
        }
    }

    /// Actions whose output has no members but does have a result element in the Query
    /// protocol (`<TagResourceResult/>`), which botocore's parser requires.
    static let emptyResults: Set<String> = ["DeleteDashboards", "TagResource", "UntagResource"]

    /// The model's lengths, ranges and patterns, as CloudWatch's InvalidParameterValue.
    static func checkConstraints(_ input: some ModelConstraints) throws {
        var violations = ConstraintViolations()
        input.checkConstraints(at: "", into: &violations)
        if let message = violations.message {
            throw AdmiralError.invalidValue(message)
        }
    }
}

/// Errors of CloudWatch on the wire: the Query code botocore reports, the awsJson
/// `__type` (the model's exception shape) and the HTTP status.
enum CloudWatchErrors {
    static let shapes: [String: (type: String, status: Int)] = [
        "InvalidParameterValue": ("InvalidParameterValueException", 400),
        "InvalidParameterCombination": ("InvalidParameterCombinationException", 400),
        "MissingParameter": ("MissingRequiredParameterException", 400),
        "ResourceNotFound": ("ResourceNotFound", 404),
        "ResourceNotFoundException": ("ResourceNotFoundException", 404),
        "LimitExceeded": ("LimitExceededFault", 400),
        "LimitExceededException": ("LimitExceededException", 400),
        "InvalidNextToken": ("InvalidNextToken", 400),
        "InvalidFormat": ("InvalidFormatFault", 400),
        "InvalidParameterInput": ("DashboardInvalidInputError", 400),
        "InternalServiceError": ("InternalServiceFault", 500),
    ]

    /// The awsJson form of an error: `__type`, status, and the `x-amzn-query-error`
    /// header value (`Code;Sender`) when the code is one of CloudWatch's Query codes.
    static func json(_ error: AWSWireError) -> (error: AWSWireError, queryError: String?) {
        guard let shape = shapes[error.code] else { return (error, nil) }
        let wire = AWSWireError(code: shape.type, message: error.message, fault: error.fault, httpStatus: shape.status)
        return (wire, "\(error.code);\(error.fault.queryType)")
    }

    /// The Query form: CloudWatch's statuses for its codes.
    static func query(_ error: AWSWireError) -> AWSWireError {
        guard let shape = shapes[error.code] else { return error.queryProtocolEquivalent }
        return AWSWireError(code: error.code, message: error.message, fault: error.fault, httpStatus: shape.status)
    }
}
