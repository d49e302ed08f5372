import AWSWire
import AdmiralModel
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The agent's side of the wire: ECS and Admiral agent operations as SigV4-signed
/// awsJson 1.1 calls to the control plane.
public struct ControlPlaneClient: Sendable {
    let endpoint: URL
    let signer: SigV4Signer
    /// Signs CloudWatch Logs calls (the `logs` service).
    let logsSigner: SigV4Signer
    let httpClient: HTTPClient

    /// How long an ordinary call may take.
    static let callTimeout: TimeAmount = .seconds(30)
    /// How much longer than the poll's wait the HTTP request may take.
    static let pollMargin: TimeAmount = .seconds(10)

    /// Creates a client for the control plane at `endpoint`.
    public init(
        endpoint: URL, accessKeyId: String, secretAccessKey: String, sessionToken: String?, region: String,
        httpClient: HTTPClient = .shared
    ) {
        self.endpoint = endpoint
        self.signer = SigV4Signer(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, region: region, service: ECS.signingName,
            sessionToken: sessionToken)
        self.logsSigner = SigV4Signer(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, region: region, service: Logs.signingName,
            sessionToken: sessionToken)
        self.httpClient = httpClient
    }

    // MARK: ECS operations

    public func createCluster(_ request: ECS.CreateClusterRequest) async throws -> ECS.CreateClusterResponse {
        try await call(ECS.targetPrefix, "CreateCluster", request)
    }

    public func registerContainerInstance(_ request: ECS.RegisterContainerInstanceRequest) async throws
        -> ECS.RegisterContainerInstanceResponse
    {
        try await call(ECS.targetPrefix, "RegisterContainerInstance", request)
    }

    public func submitTaskStateChange(_ request: ECS.SubmitTaskStateChangeRequest) async throws
        -> ECS.SubmitTaskStateChangeResponse
    {
        try await call(ECS.targetPrefix, "SubmitTaskStateChange", request)
    }

    public func submitContainerStateChange(_ request: ECS.SubmitContainerStateChangeRequest) async throws
        -> ECS.SubmitContainerStateChangeResponse
    {
        try await call(ECS.targetPrefix, "SubmitContainerStateChange", request)
    }

    // MARK: Admiral agent operations

    public func pollDesiredState(_ request: PollDesiredStateRequest) async throws -> PollDesiredStateResponse {
        let wait = TimeAmount.milliseconds(Int64((request.waitSeconds ?? 20) * 1000))
        return try await call(
            AgentProtocol.targetPrefix, AgentProtocol.pollOperation, request, timeout: wait + Self.pollMargin,
            // The server closes a poll's connection when it answers (it watches the
            // connection to notice an agent that went away), so it is never pooled.
            closeConnection: true)
    }

    public func submitContainerHealth(_ request: SubmitContainerHealthRequest) async throws
        -> SubmitContainerHealthResponse
    {
        try await call(AgentProtocol.targetPrefix, AgentProtocol.healthOperation, request)
    }

    public func submitTaskUsage(_ request: SubmitTaskUsageRequest) async throws -> SubmitTaskUsageResponse {
        try await call(AgentProtocol.targetPrefix, AgentProtocol.usageOperation, request)
    }

    // MARK: CloudWatch Logs operations

    /// PutLogEvents, with the ordinal of the batch's first event, so that the server
    /// stores a resent batch once.
    public func putLogEvents(_ request: Logs.PutLogEventsRequest, ordinal: Int64) async throws
        -> Logs.PutLogEventsResponse
    {
        try await call(
            Logs.targetPrefix, "PutLogEvents", request, signer: logsSigner,
            extraHeaders: [(Logs.ordinalHeader, String(ordinal))])
    }

    /// PutLogEvents with a body written by ``PutLogEventsBody``.
    func putLogEvents(body: [UInt8], ordinal: Int64) async throws -> Logs.PutLogEventsResponse {
        try await call(
            Logs.targetPrefix, "PutLogEvents", body: body, signer: logsSigner,
            extraHeaders: [(Logs.ordinalHeader, String(ordinal))])
    }

    public func createLogGroup(_ request: Logs.CreateLogGroupRequest) async throws -> Logs.EmptyOutput {
        try await call(Logs.targetPrefix, "CreateLogGroup", request, signer: logsSigner)
    }

    public func createLogStream(_ request: Logs.CreateLogStreamRequest) async throws -> Logs.EmptyOutput {
        try await call(Logs.targetPrefix, "CreateLogStream", request, signer: logsSigner)
    }

    // MARK: The call

    func call<Input: Encodable, Output: Decodable>(
        _ prefix: String, _ operation: String, _ input: Input, timeout: TimeAmount = callTimeout,
        closeConnection: Bool = false, signer: SigV4Signer? = nil, extraHeaders: [(String, String)] = []
    ) async throws -> Output {
        try await call(
            prefix, operation, body: Array(try ECS.makeEncoder().encode(input)), timeout: timeout,
            closeConnection: closeConnection, signer: signer, extraHeaders: extraHeaders)
    }

    /// A call whose JSON body is already encoded.
    func call<Output: Decodable>(
        _ prefix: String, _ operation: String, body: [UInt8], timeout: TimeAmount = callTimeout,
        closeConnection: Bool = false, signer: SigV4Signer? = nil, extraHeaders: [(String, String)] = []
    ) async throws -> Output {
        let target = "\(prefix).\(operation)"
        let contentType = AWSJSONVersion.v1_1.contentType
        let signed = (signer ?? self.signer).sign(
            method: "POST", url: endpoint,
            headers: [("Content-Type", contentType), ("X-Amz-Target", target)] + extraHeaders, body: body)
        var request = HTTPClientRequest(url: endpoint.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "X-Amz-Target", value: target)
        if closeConnection { request.headers.add(name: "Connection", value: "close") }
        for (name, value) in extraHeaders { request.headers.add(name: name, value: value) }
        for (name, value) in signed { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await httpClient.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        } catch {
            throw ControlPlaneError(code: "Unreachable", message: "\(operation): \(error)", status: nil)
        }
        guard response.status == .ok else {
            let error = try? JSONDecoder().decode(ErrorBody.self, from: Data(bytes.readableBytesView))
            throw ControlPlaneError(
                code: error?.type ?? "HTTP\(response.status.code)",
                message: error?.message ?? String(decoding: bytes.readableBytesView.prefix(512), as: UTF8.self),
                status: Int(response.status.code))
        }
        do {
            return try ECS.makeDecoder().decode(Output.self, from: Data(bytes.readableBytesView))
        } catch {
            throw ControlPlaneError(code: "InvalidResponse", message: "\(operation): \(error)", status: 200)
        }
    }

    struct ErrorBody: Decodable {
        var type: String?
        var message: String?

        enum CodingKeys: String, CodingKey {
            case type = "__type"
            case message
            case capitalMessage = "Message"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decodeIfPresent(String.self, forKey: .type)
            message =
                try container.decodeIfPresent(String.self, forKey: .message)
                ?? container.decodeIfPresent(String.self, forKey: .capitalMessage)
        }
    }
}

/// A failed call to the control plane: the AWS error code and message, or `Unreachable`.
public struct ControlPlaneError: Error, CustomStringConvertible {
    public var code: String
    public var message: String
    /// The HTTP status, nil when the server was not reached.
    public var status: Int?

    public var description: String { "\(code): \(message)" }

    /// Whether retrying later may succeed (the server was unreachable or failed).
    public var isTransient: Bool { status == nil || (status ?? 0) >= 500 }
}
