import AWSWire
import AdmiralAPI
import AdmiralControlPlane
import AdmiralStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The server's application over a fresh SQLite store, driven in-process, with a
/// client that signs like an AWS SDK.
struct APITestHarness {
    static let principal = Principal(
        name: "tester", accessKeyId: "AKIATESTTESTTESTTEST", secretAccessKey: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2Vj")

    let folder: URL
    let store: SQLiteStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("admiral-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteStore(path: folder.appendingPathComponent("admiral.sqlite").path)
    }

    func cleanup() {
        try? store.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `body` against the application with a test client.
    func run(
        maxBodyBytes: Int = AWSWireLimits.maxRequestBodyBytes,
        instanceCredentials: InstanceCredentials = InstanceCredentials(),
        _ body: @escaping @Sendable (APIClient) async throws -> Void
    ) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let app = buildServer(
            configuration: APIConfiguration(principals: [Self.principal], maxBodyBytes: maxBodyBytes),
            controlPlane: ControlPlane(store: store, instanceCredentials: instanceCredentials),
            address: .hostname("127.0.0.1", port: 0), logger: logger)
        try await app.test(.router) { client in
            try await body(APIClient(client: client))
        }
    }
}

/// A response as the tests look at it.
struct APIResponse {
    var status: Int
    var headers: HTTPFields
    var body: [UInt8]

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    var errorType: String? { json["__type"] as? String }
    var errorMessage: String? { json["message"] as? String }
    var requestId: String? { headers[HTTPField.Name("x-amzn-RequestId")!] }
}

/// Sends ECS calls the way an AWS SDK does: awsJson 1.1, SigV4-signed.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    func ecs(
        _ operation: String, _ json: String, signer: SigV4Signer? = nil, date: Date = Date(),
        target: String? = nil, extraHeaders: [(String, String)] = []
    ) async throws -> APIResponse {
        let signer =
            signer
            ?? SigV4Signer(
                accessKeyId: APITestHarness.principal.accessKeyId,
                secretAccessKey: APITestHarness.principal.secretAccessKey, region: "us-east-1", service: "ecs")
        let body = Array(json.utf8)
        var headers: [(name: String, value: String)] = [
            ("Host", "localhost"),
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", target ?? "AmazonEC2ContainerServiceV20141113.\(operation)"),
        ]
        headers += extraHeaders.map { (name: $0.0, value: $0.1) }
        headers += signer.sign(method: "POST", path: "/", headers: headers, body: body, date: date)
        return try await raw(method: .post, headers: headers, body: body)
    }

    func raw(
        method: HTTPRequest.Method, uri: String = "/", headers: [(name: String, value: String)], body: [UInt8]
    ) async throws -> APIResponse {
        var fields = HTTPFields()
        for header in headers {
            fields.append(HTTPField(name: HTTPField.Name(header.name)!, value: header.value))
        }
        return try await client.execute(
            uri: uri, method: method, headers: fields, body: ByteBuffer(bytes: body)
        ) { response in
            APIResponse(
                status: Int(response.status.code), headers: response.headers,
                body: Array(response.body.readableBytesView))
        }
    }
}
