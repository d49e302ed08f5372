import Foundation
import HTTPTypes
import Testing

@testable import AWSWire

@Suite("SigV4 verification")
struct SigV4VerifierTests {
    static let accessKeyId = "AKIDADMIRALTEST"
    static let secret = "AdmiralSecretKey/Example+1234567890abcdEF"
    /// 2026-03-14T15:09:26Z, the signing time of the botocore fixtures.
    static let signedAt = Date(timeIntervalSince1970: 1_773_500_966)

    static func verifier(maxClockSkew: TimeInterval = 900) -> SigV4Verifier {
        SigV4Verifier(
            credentials: { $0 == accessKeyId ? SigV4Credential(secretAccessKey: secret, principal: "alice") : nil },
            maxClockSkew: maxClockSkew)
    }

    static let signer = SigV4Signer(
        accessKeyId: accessKeyId, secretAccessKey: secret, region: "eu-west-3", service: "ecs")

    /// A request to the ECS endpoint signed by ``signer`` at `date`.
    static func signedRequest(
        body: String = #"{"cluster":"default"}"#, date: Date = signedAt,
        extraHeaders: [(name: String, value: String)] = []
    ) -> SigV4Request {
        let headers: [(name: String, value: String)] =
            [
                ("Host", "127.0.0.1:8080"), ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListTasks"),
            ] + extraHeaders
        let added = signer.sign(method: "POST", path: "/", headers: headers, body: Array(body.utf8), date: date)
        return SigV4Request(method: "POST", path: "/", headers: headers + added, body: Array(body.utf8))
    }

    /// Replaces the first header with a name, or adds it.
    static func replacing(_ name: String, with value: String?, in request: SigV4Request) -> SigV4Request {
        var copy = request
        copy.headers.removeAll { $0.name.lowercased() == name.lowercased() }
        if let value { copy.headers.append((name, value)) }
        return copy
    }

    // MARK: botocore fixtures

    @Test("accepts an awsJson POST signed by botocore's SigV4Auth")
    func botocoreJSONFixture() throws {
        // Generated once with botocore 1.43.11: SigV4Auth(Credentials(AKIDADMIRALTEST, …), 'ecs',
        // 'eu-west-3').add_auth(AWSRequest('POST', 'http://127.0.0.1:8080/', …)) at 2026-03-14T15:09:26Z.
        let request = SigV4Request(
            method: "POST", path: "/",
            headers: [
                ("host", "127.0.0.1:8080"),
                ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListTasks"),
                ("X-Amz-Date", "20260314T150926Z"),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDADMIRALTEST/20260314/eu-west-3/ecs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=d7ffdc1775df6ad9a465751dc7974846b320e94a1df265f12b8e105caafc60af"
                ),
                ("Content-Length", "37"),
                ("User-Agent", "Botocore/1.43.11"),
            ],
            body: Array(#"{"cluster":"default","maxResults":10}"#.utf8))
        let identity = try Self.verifier().verify(request, now: Self.signedAt.addingTimeInterval(30))
        #expect(
            identity
                == SigV4Identity(
                    accessKeyId: Self.accessKeyId, region: "eu-west-3", service: "ecs", principal: "alice",
                    requestDate: Self.signedAt))
    }

    @Test("signs the botocore awsJson fixture with botocore's exact Authorization header")
    func signerMatchesBotocore() {
        let added = Self.signer.sign(
            method: "POST", url: URL(string: "http://127.0.0.1:8080/")!,
            headers: [
                ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListTasks"),
            ],
            body: Array(#"{"cluster":"default","maxResults":10}"#.utf8), date: Self.signedAt)
        #expect(added.map(\.name) == ["X-Amz-Date", "Authorization"])
        #expect(added[0].value == "20260314T150926Z")
        #expect(
            added[1].value
                == "AWS4-HMAC-SHA256 Credential=AKIDADMIRALTEST/20260314/eu-west-3/ecs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=d7ffdc1775df6ad9a465751dc7974846b320e94a1df265f12b8e105caafc60af"
        )
    }

    @Test("accepts a Query-protocol form POST signed by botocore's elbv2 client")
    func botocoreQueryFixture() throws {
        // Captured once from botocore 1.43.11's elbv2 client (CreateTargetGroup) at 2026-03-14T15:09:26Z.
        let body =
            "Action=CreateTargetGroup&Version=2015-12-01&Name=web-tg&Protocol=HTTP&Port=8080&VpcId=vpc-0123456789abcdef0&HealthCheckProtocol=HTTP&HealthCheckPath=%2Fhealth+check%3Fx%3D1%26y%3D2&HealthCheckEnabled=true&HealthCheckIntervalSeconds=15&HealthyThresholdCount=3&Matcher.HttpCode=200-299&TargetType=ip&Tags.member.1.Key=team&Tags.member.1.Value=platform&Tags.member.2.Key=env&Tags.member.2.Value=dev+%26+test"
        let request = SigV4Request(
            method: "POST", path: "/",
            headers: [
                ("Host", "127.0.0.1:1"),
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ("User-Agent", "Botocore/1.43.11 ua/2.1 os/linux"),
                ("X-Amz-Date", "20260314T150926Z"),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDADMIRALTEST/20260314/us-east-1/elasticloadbalancing/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=039ff9ff41235fa7c4fb9bfb4ed43209a3bddc9af0c755fba7e69f12d269f25c"
                ),
                ("amz-sdk-invocation-id", "514f1c63-afed-4c15-834e-7db6e0657ea3"),
                ("amz-sdk-request", "attempt=1"),
                ("Content-Length", "404"),
            ],
            body: Array(body.utf8))
        let identity = try Self.verifier().verify(request, now: Self.signedAt)
        #expect(identity.service == "elasticloadbalancing")
        #expect(identity.region == "us-east-1")
    }

    @Test("accepts a presigned URL made by botocore's SigV4QueryAuth")
    func botocorePresignedFixture() throws {
        // SigV4QueryAuth(credentials, 'ecs', 'eu-west-3', expires=300) at 2026-03-14T15:09:26Z.
        let query =
            "Action=ListClusters&Version=2014-11-13&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDADMIRALTEST%2F20260314%2Feu-west-3%2Fecs%2Faws4_request&X-Amz-Date=20260314T150926Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=3d72ce40a9c221b373014c856dcd2e1230ff66185233a68c4a7f49904cc55b65"
        let request = SigV4Request(
            method: "GET", path: "/", query: query, headers: [("Host", "ecs.eu-west-3.amazonaws.com")],
            body: [UInt8]())
        let verifier = Self.verifier()
        let identity = try verifier.verify(request, now: Self.signedAt.addingTimeInterval(299))
        #expect(identity.service == "ecs")
        #expect(throws: AWSWireError.self) { try verifier.verify(request, now: Self.signedAt.addingTimeInterval(301)) }
    }

    // MARK: Round trips

    @Test("accepts what the signer signs, with and without x-amz-content-sha256 and a session token")
    func roundTrip() throws {
        let verifier = Self.verifier()
        #expect(try verifier.verify(Self.signedRequest(), now: Self.signedAt).principal == "alice")
        let signer = SigV4Signer(
            accessKeyId: Self.accessKeyId, secretAccessKey: Self.secret, region: "us-west-2", service: "logs",
            sessionToken: "token/with+chars")
        let body = Array(#"{"logGroupName":"/ecs/web"}"#.utf8)
        let headers: [(name: String, value: String)] = [
            ("Host", "localhost:4566"), ("Content-Type", "application/x-amz-json-1.1"),
        ]
        let added = signer.sign(
            method: "POST", path: "/", headers: headers, body: body, date: Self.signedAt, includeContentSHA256: true)
        #expect(added.map(\.name) == ["X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token", "Authorization"])
        let identity = try verifier.verify(
            SigV4Request(method: "POST", path: "/", headers: headers + added, body: body), now: Self.signedAt)
        #expect(identity.service == "logs")
        #expect(identity.region == "us-west-2")
    }

    @Test("accepts a request signed with a percent-encoded path and query")
    func roundTripWithPathAndQuery() throws {
        let url = try #require(URL(string: "https://admiral.example:8443/v1/a%20b/%E1%88%B4?b=2&a=1&c=x%2By&empty="))
        let added = Self.signer.sign(method: "GET", url: url, headers: [], body: [UInt8](), date: Self.signedAt)
        let request = SigV4Request(
            method: "GET", path: "/v1/a%20b/%E1%88%B4", query: "b=2&a=1&c=x%2By&empty=",
            headers: [("Host", "admiral.example:8443")] + added, body: [UInt8]())
        #expect(try Self.verifier().verify(request, now: Self.signedAt).service == "ecs")
    }

    @Test("accepts a URL presigned by the signer until it expires")
    func presignRoundTrip() throws {
        let url = try #require(URL(string: "https://127.0.0.1:8443/agent/poll?cluster=default&version=7"))
        let presigned = try #require(Self.signer.presign(method: "GET", url: url, expires: 60, date: Self.signedAt))
        let components = try #require(URLComponents(url: presigned, resolvingAgainstBaseURL: false))
        let request = SigV4Request(
            method: "GET", path: components.percentEncodedPath, query: components.percentEncodedQuery ?? "",
            headers: [("Host", "127.0.0.1:8443")], body: [UInt8]())
        let verifier = Self.verifier()
        #expect(try verifier.verify(request, now: Self.signedAt.addingTimeInterval(60)).accessKeyId == Self.accessKeyId)
        #expect(throws: AWSWireError.self) { try verifier.verify(request, now: Self.signedAt.addingTimeInterval(61)) }
    }

    @Test("builds the request from swift-http-types, restoring Host from the authority")
    func httpTypesRequest() throws {
        let signed = Self.signedRequest()
        var fields = HTTPFields()
        for header in signed.headers where header.name != "Host" {
            fields.append(HTTPField(name: try #require(HTTPField.Name(header.name)), value: header.value))
        }
        let request = HTTPRequest(
            method: .post, scheme: "http", authority: "127.0.0.1:8080", path: "/", headerFields: fields)
        let wire = SigV4Request(request, body: Array(#"{"cluster":"default"}"#.utf8))
        #expect(wire.path == "/")
        #expect(wire.query == "")
        #expect(wire.headers.first?.name == "host")
        #expect(try Self.verifier().verify(wire, now: Self.signedAt).principal == "alice")
        let withQuery = SigV4Request(
            HTTPRequest(method: .get, scheme: "http", authority: "h", path: "/a/b?x=1&y=2"), body: [UInt8]())
        #expect(withQuery.path == "/a/b")
        #expect(withQuery.query == "x=1&y=2")
        #expect(withQuery.method == "GET")
    }

    // MARK: Errors

    @Test("answers MissingAuthenticationTokenException when there is no signature at all")
    func missingAuthentication() {
        let request = SigV4Request(method: "POST", path: "/", headers: [("Host", "h")], body: [UInt8]())
        #expect(throws: AWSWireError.missingAuthenticationToken()) { try Self.verifier().verify(request) }
        let error = AWSWireError.missingAuthenticationToken()
        #expect(error.code == "MissingAuthenticationTokenException")
        #expect(error.message == "Missing Authentication Token")
        #expect(error.httpStatus == 400)
    }

    @Test("answers IncompleteSignatureException naming every missing Authorization part")
    func incompleteAuthorization() {
        let request = Self.replacing(
            "Authorization", with: "AWS4-HMAC-SHA256 Credential=AKIDADMIRALTEST/20260314/eu-west-3/ecs/aws4_request",
            in: Self.replacing("X-Amz-Date", with: nil, in: Self.signedRequest()))
        #expect(
            throws: AWSWireError.incompleteSignature(
                "Authorization header requires 'Signature' parameter. "
                    + "Authorization header requires 'SignedHeaders' parameter. "
                    + "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
                    + "Authorization=AWS4-HMAC-SHA256 Credential=AKIDADMIRALTEST/20260314/eu-west-3/ecs/aws4_request")
        ) { try Self.verifier().verify(request, now: Self.signedAt) }
    }

    @Test("answers IncompleteSignatureException for an Authorization header of another scheme")
    func otherScheme() {
        let request = Self.replacing("Authorization", with: "Bearer abc.def", in: Self.signedRequest())
        #expect(
            throws: AWSWireError.incompleteSignature(
                "Authorization header requires 'Credential' parameter. "
                    + "Authorization header requires 'Signature' parameter. "
                    + "Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc.def")
        ) { try Self.verifier().verify(request, now: Self.signedAt) }
    }

    @Test("answers IncompleteSignatureException for a component without an equal sign")
    func componentWithoutEquals() {
        let header =
            "AWS4-HMAC-SHA256 Credential=AKIDADMIRALTEST /20260314/eu-west-3/ecs/aws4_request, SignedHeaders=host, Signature=00"
        let request = Self.replacing("Authorization", with: header, in: Self.signedRequest())
        #expect(
            throws: AWSWireError.incompleteSignature(
                "'/20260314/eu-west-3/ecs/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '\(header)'."
            )
        ) { try Self.verifier().verify(request, now: Self.signedAt) }
    }

    @Test("answers IncompleteSignatureException for a malformed credential scope")
    func malformedCredential() throws {
        let shortScope = Self.replacing(
            "Authorization",
            with: "AWS4-HMAC-SHA256 Credential=AKID/20260314/ecs, SignedHeaders=host;x-amz-date, Signature=00",
            in: Self.signedRequest())
        let error = try #require(throws: AWSWireError.self) {
            try Self.verifier().verify(shortScope, now: Self.signedAt)
        }
        #expect(error.code == "IncompleteSignatureException")
        #expect(error.message.hasPrefix("Credential must have exactly 5 slash-delimited elements"))
        let badTerminator = Self.replacing(
            "Authorization",
            with:
                "AWS4-HMAC-SHA256 Credential=AKID/20260314/eu-west-3/ecs/aws5_request, SignedHeaders=host;x-amz-date, Signature=00",
            in: Self.signedRequest())
        #expect(
            throws: AWSWireError.incompleteSignature(
                "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.")
        ) { try Self.verifier().verify(badTerminator, now: Self.signedAt) }
    }

    @Test("answers IncompleteSignatureException when host is not a signed header")
    func hostNotSigned() {
        let request = Self.replacing(
            "Authorization",
            with:
                "AWS4-HMAC-SHA256 Credential=\(Self.accessKeyId)/20260314/eu-west-3/ecs/aws4_request, SignedHeaders=x-amz-date, Signature=00",
            in: Self.signedRequest())
        #expect(
            throws: AWSWireError.incompleteSignature(
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        ) { try Self.verifier().verify(request, now: Self.signedAt) }
    }

    @Test("answers IncompleteSignatureException for an X-Amz-Date not in ISO 8601 basic format")
    func malformedDate() throws {
        let request = Self.replacing("X-Amz-Date", with: "2026-03-14T15:09:26Z", in: Self.signedRequest())
        let error = try #require(throws: AWSWireError.self) { try Self.verifier().verify(request, now: Self.signedAt) }
        #expect(error.code == "IncompleteSignatureException")
        #expect(error.message.hasPrefix("Date must be in ISO-8601 'basic format'. Got '2026-03-14T15:09:26Z'."))
    }

    @Test("uses the HTTP Date header when there is no X-Amz-Date")
    func httpDateHeader() throws {
        let headers: [(name: String, value: String)] = [("Host", "h"), ("Date", "Sat, 14 Mar 2026 15:09:26 GMT")]
        let signedHeaders = ["date", "host"]
        let canonical = SigV4Canonical.canonicalRequest(
            method: "GET", path: "/", query: "", headers: headers, signedHeaders: signedHeaders,
            payloadSHA256Hex: SigV4Request.sha256Hex([UInt8]()))
        let scope = "20260314/eu-west-3/ecs/aws4_request"
        let stringToSign = SigV4Canonical.stringToSign(
            timestamp: "20260314T150926Z", scope: scope, canonicalRequest: canonical)
        let signature = SigV4Canonical.signature(
            signingKey: SigV4Canonical.signingKey(
                secret: Self.secret, date: "20260314", region: "eu-west-3", service: "ecs"),
            stringToSign: stringToSign)
        let request = SigV4Request(
            method: "GET", path: "/",
            headers: headers + [
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=\(Self.accessKeyId)/\(scope), SignedHeaders=date;host, Signature=\(signature)"
                )
            ], body: [UInt8]())
        #expect(try Self.verifier().verify(request, now: Self.signedAt).requestDate == Self.signedAt)
    }

    @Test("answers InvalidSignatureException when the scope date is not the request's date")
    func scopeDateMismatch() {
        let request = Self.replacing(
            "Authorization",
            with:
                "AWS4-HMAC-SHA256 Credential=\(Self.accessKeyId)/20260313/eu-west-3/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
            in: Self.signedRequest())
        #expect(
            throws: AWSWireError.invalidSignature(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                    + "'20260313' != '20260314', from '20260314T150926Z'.")
        ) { try Self.verifier().verify(request, now: Self.signedAt) }
    }

    @Test("answers UnrecognizedClientException for an unknown access key id")
    func unknownAccessKey() {
        let signer = SigV4Signer(accessKeyId: "AKIDNOBODY", secretAccessKey: "x", region: "eu-west-3", service: "ecs")
        let added = signer.sign(
            method: "GET", path: "/", headers: [("Host", "h")], body: [UInt8](), date: Self.signedAt)
        let request = SigV4Request(method: "GET", path: "/", headers: [("Host", "h")] + added, body: [UInt8]())
        #expect(throws: AWSWireError.unrecognizedClient()) { try Self.verifier().verify(request, now: Self.signedAt) }
        #expect(AWSWireError.unrecognizedClient().message == "The security token included in the request is invalid.")
    }

    @Test("answers InvalidSignatureException in AWS's words for a request signed too long ago")
    func expiredSignature() {
        let request = Self.signedRequest(date: Date(timeIntervalSince1970: 1_369_353_600))  // 2013-05-24T00:00:00Z
        let now = Date(timeIntervalSince1970: 1_369_353_600 + 1200)  // 20 minutes later
        #expect(
            throws: AWSWireError.invalidSignature(
                "Signature expired: 20130524T000000Z is now earlier than 20130524T000500Z (20130524T002000Z - 15 min.)")
        ) { try Self.verifier().verify(request, now: now) }
    }

    @Test("answers InvalidSignatureException in AWS's words for a request signed in the future")
    func futureSignature() {
        let request = Self.signedRequest(date: Date(timeIntervalSince1970: 1_369_353_600 + 1800))  // 00:30
        let now = Date(timeIntervalSince1970: 1_369_353_600)
        #expect(
            throws: AWSWireError.invalidSignature(
                "Signature not yet current: 20130524T003000Z is still later than 20130524T001500Z (20130524T000000Z + 15 min.)"
            )
        ) { try Self.verifier().verify(request, now: now) }
    }

    @Test("accepts a clock skew up to the limit in both directions and no further")
    func skewBoundary() throws {
        let request = Self.signedRequest()
        let verifier = Self.verifier(maxClockSkew: 300)
        _ = try verifier.verify(request, now: Self.signedAt.addingTimeInterval(300))
        _ = try verifier.verify(request, now: Self.signedAt.addingTimeInterval(-300))
        #expect(throws: AWSWireError.self) { try verifier.verify(request, now: Self.signedAt.addingTimeInterval(301)) }
        #expect(throws: AWSWireError.self) { try verifier.verify(request, now: Self.signedAt.addingTimeInterval(-301)) }
        let error = AWSWireError.signatureExpired(
            signedAt: Self.signedAt, now: Self.signedAt.addingTimeInterval(301), maxClockSkew: 300)
        #expect(
            error.message
                == "Signature expired: 20260314T150926Z is now earlier than 20260314T150927Z (20260314T151427Z - 5 min.)"
        )
    }

    @Test("answers InvalidSignatureException with AWS's message for a wrong signature")
    func wrongSignature() throws {
        var request = Self.signedRequest()
        let index = try #require(request.headers.firstIndex { $0.name == "Authorization" })
        let value = request.headers[index].value
        request.headers[index].value = String(value.dropLast()) + (value.hasSuffix("0") ? "1" : "0")
        #expect(throws: AWSWireError.invalidSignature()) { try Self.verifier().verify(request, now: Self.signedAt) }
        #expect(
            AWSWireError.invalidSignature().message
                == "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
        )
        let wrongSecret = SigV4Verifier(secrets: { _ in "not the secret" })
        #expect(throws: AWSWireError.invalidSignature()) {
            try wrongSecret.verify(Self.signedRequest(), now: Self.signedAt)
        }
    }

    @Test("rejects a request whose signed header was changed after signing")
    func tamperedHeader() {
        let request = Self.replacing(
            "X-Amz-Target", with: "AmazonEC2ContainerServiceV20141113.DeleteCluster", in: Self.signedRequest())
        #expect(throws: AWSWireError.invalidSignature()) { try Self.verifier().verify(request, now: Self.signedAt) }
    }

    @Test("ignores unsigned headers added after signing")
    func unsignedHeaderAdded() throws {
        var request = Self.signedRequest()
        request.headers.append(("X-Forwarded-For", "10.0.0.1"))
        request.headers.append(("User-Agent", "curl"))
        #expect(try Self.verifier().verify(request, now: Self.signedAt).accessKeyId == Self.accessKeyId)
    }

    @Test("answers XAmzContentSHA256Mismatch when x-amz-content-sha256 is not the body's hash")
    func contentHashMismatch() throws {
        let request = Self.signedRequest(extraHeaders: [("X-Amz-Content-SHA256", String(repeating: "0", count: 64))])
        #expect(throws: AWSWireError.contentSHA256Mismatch()) {
            try Self.verifier().verify(request, now: Self.signedAt)
        }
        let unsigned = Self.signedRequest(extraHeaders: [("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD")])
        #expect(throws: AWSWireError.contentSHA256Mismatch()) {
            try Self.verifier().verify(unsigned, now: Self.signedAt)
        }
    }

    @Test("accepts a body hashed by the caller")
    func precomputedHash() throws {
        let signed = Self.signedRequest()
        let request = SigV4Request(
            method: signed.method, path: signed.path, query: signed.query, headers: signed.headers,
            payloadSHA256Hex: SigV4Request.sha256Hex(Array(#"{"cluster":"default"}"#.utf8)).uppercased())
        #expect(try Self.verifier().verify(request, now: Self.signedAt).accessKeyId == Self.accessKeyId)
    }

    @Test("answers IncompleteSignatureException for a presigned URL missing parameters")
    func incompletePresigned() throws {
        let request = SigV4Request(
            method: "GET", path: "/", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260314T150926Z",
            headers: [("Host", "h")], body: [UInt8]())
        let error = try #require(throws: AWSWireError.self) { try Self.verifier().verify(request, now: Self.signedAt) }
        #expect(error.code == "IncompleteSignatureException")
        #expect(error.message.hasPrefix("AWS query-string parameters must include 'X-Amz-Algorithm'"))
    }

    // MARK: Signing-key cache

    @Test("derives a signing key once per secret, day, region and service")
    func signingKeyCache() throws {
        let verifier = Self.verifier()
        _ = try verifier.verify(Self.signedRequest(), now: Self.signedAt)
        _ = try verifier.verify(Self.signedRequest(body: "{}"), now: Self.signedAt)
        #expect(verifier.cache.statistics == SigningKeyCache.Statistics(count: 1, hits: 1, misses: 1))
        let nextDay = Self.signedAt.addingTimeInterval(86_400)
        _ = try verifier.verify(Self.signedRequest(date: nextDay), now: nextDay)
        #expect(verifier.cache.statistics == SigningKeyCache.Statistics(count: 2, hits: 1, misses: 2))
    }

    @Test("keeps the signing-key cache within its capacity")
    func signingKeyCacheBound() {
        let cache = SigningKeyCache(capacity: 2)
        for region in ["a", "b", "c", "d", "e"] {
            _ = cache.signingKey(secret: "s", date: "20260314", region: region, service: "ecs")
        }
        #expect(cache.statistics.count <= 2)
        let direct = SigV4Canonical.signingKey(secret: "s", date: "20260314", region: "e", service: "ecs")
        let cached = cache.signingKey(secret: "s", date: "20260314", region: "e", service: "ecs")
        #expect(SigV4Canonical.hex(direct) == SigV4Canonical.hex(cached))
        #expect(cache.statistics.hits == 1)
    }

    @Test("verifies concurrently from many tasks")
    func concurrentVerification() async throws {
        let verifier = Self.verifier()
        let request = Self.signedRequest()
        let now = Self.signedAt
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<32 {
                group.addTask { try verifier.verify(request, now: now).accessKeyId }
            }
            for try await accessKeyId in group {
                #expect(accessKeyId == Self.accessKeyId)
            }
        }
    }
}
