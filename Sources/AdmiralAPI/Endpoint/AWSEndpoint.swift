import AWSWire
import AdmiralConsole
import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore

/// The single AWS endpoint: every service on one port, chosen by the SigV4 credential
/// scope, with AWS-shaped errors and an `x-amzn-RequestId` on every response.
public struct AWSEndpoint: HTTPResponder {
    public typealias Context = BasicRequestContext

    let configuration: APIConfiguration
    let verifier: SigV4Verifier
    let ecs: ECSHandler
    let agent: AgentHandler
    let elbv2: ELBv2Handler
    let cloudWatch: CloudWatchHandler
    let logs: LogsHandler
    let autoScaling: ApplicationAutoScalingHandler
    /// EC2 Auto Scaling (Query protocol); nil in endpoints built without it.
    let ec2AutoScaling: EC2AutoScalingHandler?
    /// EC2 (its own protocol); nil in endpoints built without it.
    let ec2: EC2Handler?
    let logger: Logger
    /// The web console under `/console/`; nil in endpoints built without it.
    let console: Console?
    /// The credentials of the server's EC2 instances, accepted for the agent's calls.
    let instanceCredentials: InstanceCredentials?
    /// Every operation some handler serves, the only ones named in request metrics.
    let knownOperations: Set<String>

    static let requestIdHeader = headerName("x-amzn-RequestId")
    static let targetHeader = headerName("X-Amz-Target")
    static let queryErrorHeader = headerName("x-amzn-query-error")
    static let logOrdinalHeader = headerName(Logs.ordinalHeader)

    static func headerName(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("'\(name)' is a valid header name") }
        return field
    }

    init(
        configuration: APIConfiguration, ecs: ECSHandler, agent: AgentHandler, elbv2: ELBv2Handler,
        cloudWatch: CloudWatchHandler, autoScaling: ApplicationAutoScalingHandler, logger: Logger,
        logs: LogsHandler, instanceCredentials: InstanceCredentials? = nil,
        ec2AutoScaling: EC2AutoScalingHandler? = nil, ec2: EC2Handler? = nil, console: Console? = nil
    ) {
        self.console = console
        self.ec2 = ec2
        self.ec2AutoScaling = ec2AutoScaling
        self.configuration = configuration
        let byKey = Dictionary(
            configuration.principals.map { ($0.accessKeyId, $0) }, uniquingKeysWith: { first, _ in first })
        self.instanceCredentials = instanceCredentials
        self.verifier = SigV4Verifier(
            credentials: { accessKeyId in
                if let principal = byKey[accessKeyId] {
                    return SigV4Credential(secretAccessKey: principal.secretAccessKey, principal: principal.name)
                }
                return instanceCredentials?.grant(accessKeyId: accessKeyId).map {
                    SigV4Credential(secretAccessKey: $0.secretAccessKey, principal: nil)
                }
            },
            maxClockSkew: configuration.maxClockSkewSeconds)
        self.ecs = ecs
        self.agent = agent
        self.elbv2 = elbv2
        self.cloudWatch = cloudWatch
        self.logs = logs
        self.autoScaling = autoScaling
        self.logger = logger
        var known = Set(ecs.operations.keys).union(agent.operations.keys).union(elbv2.operations.keys)
        known.formUnion(cloudWatch.operations.keys)
        known.formUnion(logs.operations.keys)
        known.formUnion(autoScaling.operations.keys)
        known.formUnion(ec2AutoScaling?.operations.keys ?? [:].keys)
        known.formUnion(ec2?.operations.keys ?? [:].keys)
        if ec2 != nil { known.formUnion(SSMParameterHandler.operations) }
        self.knownOperations = known
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let requestId = RequestID.make()
        let path = request.uri.path
        if path == "/health" && (request.method == .get || request.method == .head) {
            return Self.response(status: .ok, contentType: "text/plain", body: Array("ok\n".utf8), requestId: requestId)
        }
        if let console, Console.handles(path: path) {
            return await console.respond(to: request)
        }
        let start = ContinuousClock.now
        var labels = RequestLabels()
        let response = await serve(request, requestId: requestId, labels: &labels)
        labels.record(status: response.status.code, since: start)
        return response
    }

    /// Serves one AWS call, naming its service and operation in `labels` once known.
    func serve(_ request: Request, requestId: String, labels: inout RequestLabels) async -> Response {
        let path = request.uri.path
        var format = ErrorFormat(contentType: request.headers[.contentType])
        // EC2's errors have their own document (<Response><Errors>), also for what fails
        // before the signature is checked: the credential scope names the service.
        if format == .query, Self.scopeService(request.headers[.authorization]) == "ec2" { format = .ec2 }
        do {
            guard request.method == .post else {
                throw AWSWireError(
                    code: "UnknownOperationException",
                    message:
                        "Admiral's AWS endpoint takes POST requests; \(request.method.rawValue) \(path) is not an operation.",
                    httpStatus: request.method == .get ? 404 : 405)
            }
            var request = request
            let body: ByteBuffer
            do {
                body = try await Self.collectBody(&request, limit: configuration.maxBodyBytes)
            } catch let error as AWSWireError {
                // The rest of the body is not read: the connection ends after this answer
                // (LingeringCloseHandler drains what the client still sends, then closes).
                var response = errorResponse(error, format: format, requestId: requestId)
                response.headers[.connection] = "close"
                return response
            }
            // Whatever its signature says (missing, malformed, another service's), an EC2
            // call names EC2's API version.
            if format == .query, Self.isEC2Form(body) { format = .ec2 }
            let (identity, bytes) =
                if body.readableBytes > Self.inlineBulkLimit, Self.isBulk(request.headers[.authorization]) {
                    try await BackgroundPool.run { [head = request.head] in try open(head, body: body) }
                } else {
                    try open(request.head, body: body)
                }
            var principalARN =
                "arn:aws:iam::\(configuration.accountId):user/\(identity.principal ?? identity.accessKeyId)"
            // Operators' keys always name their principal; a key without one is an
            // instance's, which must still be granted (it may have been revoked since).
            let grant = identity.principal == nil ? instanceCredentials?.grant(accessKeyId: identity.accessKeyId) : nil
            if identity.principal == nil, grant == nil {
                throw AWSWireError(
                    code: "UnrecognizedClientException", message: "The security token included in the request is invalid.")
            }
            if let grant {
                try checkInstancePermission(
                    grant, service: identity.service, targetHeader: request.headers[Self.targetHeader])
                principalARN = instancePrincipalARN(grant)
            }
            let requestContext = RequestContext(
                names: ECSNames(region: identity.region, accountId: configuration.accountId),
                principalARN: principalARN, instance: grant)
            labels.service = identity.service
            switch identity.service {
            case ECS.signingName:
                let target = try AWSJSONTarget(header: request.headers[Self.targetHeader])
                let operation = target.operation
                labels.name(operation, of: knownOperations)
                let output: [UInt8]
                switch target.servicePrefix {
                case ECS.targetPrefix:
                    output = try await ecs.handle(operation: operation, body: bytes, context: requestContext)
                case AgentProtocol.targetPrefix where operation == AgentProtocol.pollOperation:
                    // A held poll ends when its agent goes away, so that a killed agent
                    // is not taken for connected until the poll would have timed out.
                    let agent = self.agent
                    output = try await request.body.consumeWithCancellationOnInboundClose { _ in
                        try await agent.handle(operation: operation, body: bytes, context: requestContext)
                    }
                case AgentProtocol.targetPrefix:
                    output = try await agent.handle(operation: operation, body: bytes, context: requestContext)
                default:
                    throw AWSWireError.unknownOperation(request.headers[Self.targetHeader])
                }
                logger.debug(
                    "request handled",
                    metadata: ["request.id": .string(requestId), "operation": .string(operation)])
                return Self.response(
                    status: .ok, contentType: AWSJSONVersion.v1_1.contentType, body: output, requestId: requestId)
            case ELBv2.signingName:
                format = .query
                let query = try QueryRequest.parse(body: bytes, query: request.uri.query ?? "")
                labels.name(query.action, of: knownOperations)
                let output = try await elbv2.handle(query, context: requestContext, requestId: requestId)
                logger.debug(
                    "request handled",
                    metadata: ["request.id": .string(requestId), "operation": .string(query.action)])
                return Self.response(status: .ok, contentType: "text/xml", body: output, requestId: requestId)
            case EC2AutoScaling.signingName where ec2AutoScaling != nil:
                format = .query
                let query = try QueryRequest.parse(body: bytes, query: request.uri.query ?? "")
                labels.name(query.action, of: knownOperations)
                let output = try await ec2AutoScaling?.handle(query, context: requestContext, requestId: requestId) ?? []
                return Self.response(status: .ok, contentType: "text/xml", body: output, requestId: requestId)
            case SSMParameterHandler.signingName where ec2 != nil:
                let operation = try AWSJSONTarget.parse(
                    request.headers[Self.targetHeader], expectedPrefix: SSMParameterHandler.targetPrefix)
                labels.name(operation, of: knownOperations)
                let output = try SSMParameterHandler().handle(operation: operation, body: bytes, context: requestContext)
                return Self.response(
                    status: .ok, contentType: AWSJSONVersion.v1_1.contentType, body: output, requestId: requestId)
            case EC2.signingName where ec2 != nil:
                format = .ec2
                let query = try QueryRequest.parse(body: bytes, query: request.uri.query ?? "")
                labels.name(query.action, of: knownOperations)
                let output = try await ec2?.handle(query, context: requestContext, requestId: requestId) ?? []
                return Self.response(status: .ok, contentType: "text/xml", body: output, requestId: requestId)
            case ApplicationAutoScaling.signingName:
                let target = try AWSJSONTarget(header: request.headers[Self.targetHeader])
                guard target.servicePrefix == ApplicationAutoScaling.targetPrefix else {
                    throw AWSWireError.unknownOperation(request.headers[Self.targetHeader])
                }
                labels.name(target.operation, of: knownOperations)
                let output = try await autoScaling.handle(
                    operation: target.operation, body: bytes, context: requestContext)
                logger.debug(
                    "request handled",
                    metadata: ["request.id": .string(requestId), "operation": .string(target.operation)])
                return Self.response(
                    status: .ok, contentType: AWSJSONVersion.v1_1.contentType, body: output, requestId: requestId)
            case Logs.signingName:
                let target = try AWSJSONTarget(header: request.headers[Self.targetHeader])
                guard target.servicePrefix == Logs.targetPrefix else {
                    throw AWSWireError.unknownOperation(request.headers[Self.targetHeader])
                }
                labels.name(target.operation, of: knownOperations)
                let ordinal = request.headers[Self.logOrdinalHeader].flatMap { Int64($0) }
                let output = try await logs.handle(
                    operation: target.operation, body: bytes, context: requestContext, ordinal: ordinal)
                return Self.response(
                    status: .ok, contentType: AWSJSONVersion.v1_1.contentType, body: output, requestId: requestId)
            case CloudWatch.signingName:
                let wire: CloudWatchHandler.Wire
                let action: String
                let header = request.headers[Self.targetHeader]
                if header != nil || Self.isJSON(request.headers[.contentType]) {
                    format = .cloudWatchJSON
                    let target = try AWSJSONTarget(header: header)
                    guard target.servicePrefix == CloudWatch.targetPrefix else {
                        throw AWSWireError.unknownOperation(header)
                    }
                    action = target.operation
                    wire = .json(bytes)
                } else {
                    format = .cloudWatchQuery
                    let query = try QueryRequest.parse(body: bytes, query: request.uri.query ?? "")
                    guard query.version == CloudWatch.version else {
                        throw AWSWireError(
                            code: "InvalidAction",
                            message: "Admiral serves CloudWatch (Version=\(CloudWatch.version)) only; this request has "
                                + "version '\(query.version)'.")
                    }
                    action = query.action
                    wire = .query(query)
                }
                labels.name(action, of: knownOperations)
                let output = try await cloudWatch.handle(
                    action: action, wire: wire, context: requestContext, requestId: requestId)
                logger.debug(
                    "request handled", metadata: ["request.id": .string(requestId), "operation": .string(action)])
                if case .json = wire {
                    return Self.response(
                        status: .ok, contentType: AWSJSONVersion.v1_0.contentType, body: output, requestId: requestId)
                }
                return Self.response(status: .ok, contentType: "text/xml", body: output, requestId: requestId)
            default:
                throw AWSWireError(
                    code: "UnknownOperationException",
                    message:
                        "Admiral does not serve the '\(identity.service)' service yet; sign requests for 'ecs', "
                        + "'elasticloadbalancing', 'monitoring', 'logs' or 'application-autoscaling'.")
            }
        } catch is CancellationError {
            // The client went away (a poll whose agent closed its connection).
            return Self.response(status: .serviceUnavailable, contentType: "text/plain", body: [], requestId: requestId)
        } catch {
            return errorResponse(error, format: format, requestId: requestId)
        }
    }

    /// Bodies of the bulk services over this size are verified and inflated on the
    /// low-priority ``BackgroundPool`` rather than on the event loop they arrived on.
    static let inlineBulkLimit = 4096

    /// Whether a request is signed for a service whose large calls are bulk ingestion
    /// (CloudWatch's PutMetricData, CloudWatch Logs' PutLogEvents): read from the
    /// credential scope of the Authorization header (`Credential=KEY/DATE/REGION/SERVICE/
    /// aws4_request`), before the signature is checked, only to choose a thread.
    static func isBulk(_ authorization: String?) -> Bool {
        guard let service = scopeService(authorization) else { return false }
        return service == CloudWatch.signingName || service == Logs.signingName
    }

    /// The service of the Authorization header's credential scope, unverified (to choose a
    /// thread or an error document, nothing more).
    static func scopeService(_ authorization: String?) -> Substring? {
        guard let authorization, let start = authorization.firstRange(of: "Credential=") else { return nil }
        let scope = authorization[start.upperBound...].prefix { $0 != "," && $0 != " " }
        let parts = scope.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 5 ? parts[3] : nil
    }

    /// Whether a form body names EC2's API version.
    static func isEC2Form(_ body: ByteBuffer) -> Bool {
        // memchr and memcmp over the bytes in place: a generic search through
        // ByteBufferView took 7 s on a 9 MiB body in a debug build, before the signature
        // was even checked.
        let marker = Array("Version=\(EC2.version)".utf8)
        return body.withUnsafeReadableBytes { raw in
            marker.withUnsafeBytes { ByteSearch.firstOffset(of: $0, in: raw) != nil }
        }
    }

    /// Checks the request's signature over its body as received, then inflates the body.
    func open(_ head: HTTPRequest, body: ByteBuffer) throws -> (SigV4Identity, [UInt8]) {
        let identity = try verifier.verify(SigV4Request(head, body: body.readableBytesView))
        let bytes = try RequestCompression.decode(
            body, encoding: head.headerFields[.contentEncoding], limit: configuration.maxBodyBytes)
        return (identity, bytes)
    }

    /// Whether a `Content-Type` is awsJson's (`application/x-amz-json-1.0` or `-1.1`): a
    /// CloudWatch request that says so is answered in JSON even when it names no operation.
    static func isJSON(_ contentType: String?) -> Bool {
        contentType?.lowercased().hasPrefix("application/x-amz-json-") ?? false
    }

    static func collectBody(_ request: inout Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw AWSWireError.requestTooLarge(limit: limit)
        }
        do {
            return try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw AWSWireError.requestTooLarge(limit: limit)
        } catch is NIOTooManyBytesError {
            // A chunked body has no Content-Length to check up front.
            throw AWSWireError.requestTooLarge(limit: limit)
        }
    }

    func errorResponse(_ error: any Error, format: ErrorFormat, requestId: String) -> Response {
        let wire: AWSWireError
        switch error {
        case let error as AWSWireError:
            wire = error
        case let error as AdmiralError:
            wire = AWSWireError(
                code: error.code.rawValue, message: error.message, fault: error.isServerFault ? .server : .client)
        default:
            logger.error(
                "request failed", metadata: ["request.id": .string(requestId), "error": .string("\(error)")])
            wire = AWSWireError(
                code: "ServerException", message: "The server failed to process the request (request id \(requestId)).",
                fault: .server)
        }
        logger.debug(
            "request refused",
            metadata: ["request.id": .string(requestId), "error.code": .string(wire.code)])
        switch format {
        case .json:
            return Self.response(
                status: .init(code: wire.httpStatus), contentType: AWSJSONVersion.v1_1.contentType,
                body: jsonErrorBody(wire), requestId: requestId)
        case .query:
            let query = wire.queryProtocolEquivalent
            return Self.response(
                status: .init(code: query.httpStatus), contentType: "text/xml",
                body: queryErrorBody(query, requestId: requestId), requestId: requestId)
        case .cloudWatchJSON:
            let (json, queryError) = CloudWatchErrors.json(wire)
            var response = Self.response(
                status: .init(code: json.httpStatus), contentType: AWSJSONVersion.v1_0.contentType,
                body: jsonErrorBody(json), requestId: requestId)
            if let queryError { response.headers[Self.queryErrorHeader] = queryError }
            return response
        case .ec2:
            return Self.response(
                status: .init(code: wire.httpStatus), contentType: "text/xml",
                body: ec2ErrorBody(wire, requestId: requestId), requestId: requestId)
        case .cloudWatchQuery:
            let query = CloudWatchErrors.query(wire)
            return Self.response(
                status: .init(code: query.httpStatus), contentType: "text/xml",
                body: queryErrorBody(query, requestId: requestId), requestId: requestId)
        }
    }

    static func response(status: HTTPResponse.Status, contentType: String, body: [UInt8], requestId: String)
        -> Response
    {
        var headers = HTTPFields()
        headers[requestIdHeader] = requestId
        headers[.contentType] = contentType
        headers[.contentLength] = String(body.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// How an error is rendered: JSON for awsJson clients, XML for Query clients.
enum ErrorFormat {
    case json
    case query
    /// CloudWatch's awsJson 1.0, which keeps its Query error codes in `x-amzn-query-error`.
    case cloudWatchJSON
    /// CloudWatch's Query protocol, with CloudWatch's statuses.
    case cloudWatchQuery
    /// EC2's `<Response><Errors>` documents.
    case ec2

    init(contentType: String?) {
        if let contentType, contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            self = .query
        } else {
            self = .json
        }
    }
}

/// The labels of one request's metrics: `admiral_requests_total` and
/// `admiral_request_duration_seconds`, by service, operation and status. Names a client
/// chose are kept only when they are one of Admiral's services and operations, so that a
/// client cannot grow the metrics without bound.
struct RequestLabels {
    static let services: Set<String> = [
        ECS.signingName, ELBv2.signingName, CloudWatch.signingName, Logs.signingName,
        ApplicationAutoScaling.signingName, EC2AutoScaling.signingName, EC2.signingName,
        SSMParameterHandler.signingName,
    ]

    var service = "unknown" {
        didSet { if !Self.services.contains(service) { service = "unknown" } }
    }
    var operation = "unknown"

    /// Names `operation` if one of the endpoint's handlers serves it.
    mutating func name(_ operation: String, of known: Set<String>) {
        self.operation = known.contains(operation) ? operation : "unknown"
    }

    func record(status: Int, since start: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - start).components
        Counter(
            label: "admiral_requests_total",
            dimensions: [("service", service), ("operation", operation), ("status", String(status))]
        ).increment()
        Timer(label: "admiral_request_duration_seconds", dimensions: [("service", service), ("operation", operation)])
            .recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }
}
