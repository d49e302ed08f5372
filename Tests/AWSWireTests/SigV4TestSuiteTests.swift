import Foundation
import Testing

@testable import AWSWire

/// AWS's published SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30 edition), with its
/// expected canonical requests, string-to-sign hashes and signatures copied as facts.
@Suite("The AWS SigV4 test suite")
struct SigV4TestSuiteTests {
    static let accessKeyId = "AKIDEXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let timestamp = "20150830T123600Z"
    static let now = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let securityToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

    struct Vector: CustomTestStringConvertible, Sendable {
        var name: String
        var method = "GET"
        var path = "/"
        var query = ""
        var extraHeaders: [(name: String, value: String)] = []
        var body = ""
        /// The SHA-256 of the expected canonical request (the last line of the `.sts` file).
        var canonicalRequestSHA256: String
        var signature: String
        /// The expected canonical request in full, for the vectors where it is worth reading.
        var canonicalRequest: String?

        var testDescription: String { name }

        var headers: [(name: String, value: String)] {
            [("Host", "example.amazonaws.com")] + extraHeaders + [("X-Amz-Date", SigV4TestSuiteTests.timestamp)]
        }

        var signedHeaders: [String] {
            Array(Set(headers.map { $0.name.lowercased() })).sorted()
        }

        var authorization: String {
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
        }
    }

    static let vectors: [Vector] = [
        Vector(
            name: "get-vanilla",
            canonicalRequestSHA256: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            canonicalRequest:
                "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(emptyHash)"),
        Vector(
            name: "get-vanilla-query-order-key-case", query: "Param2=value2&Param1=value1",
            canonicalRequestSHA256: "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
            signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
            canonicalRequest:
                "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(emptyHash)"
        ),
        Vector(
            name: "get-vanilla-query-order-key", query: "Param1=value2&Param1=Value1",
            canonicalRequestSHA256: "704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89",
            signature: "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"),
        Vector(
            name: "get-vanilla-query-order-value", query: "Param1=value2&Param1=value1",
            canonicalRequestSHA256: "c968629d70850097a2d8781c9bf7edcb988b04cac14cca9be4acc3595f884606",
            signature: "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"),
        Vector(
            name: "get-vanilla-empty-query-key", query: "Param1=value1",
            canonicalRequestSHA256: "1e24db194ed7d0eec2de28d7369675a243488e08526e8c1c73571282f7c517ab",
            signature: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"),
        Vector(
            name: "get-vanilla-query-unreserved",
            query:
                "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            canonicalRequestSHA256: "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
            signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
        Vector(
            name: "get-vanilla-utf8-query", query: "ሴ=bar",
            canonicalRequestSHA256: "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
            signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
            canonicalRequest:
                "GET\n/\n%E1%88%B4=bar\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(emptyHash)"
        ),
        Vector(
            name: "get-header-key-duplicate",
            extraHeaders: [("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")],
            canonicalRequestSHA256: "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
            signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
            canonicalRequest:
                "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n\(emptyHash)"
        ),
        Vector(
            name: "get-header-value-order",
            extraHeaders: [
                ("My-Header1", "value4"), ("My-Header1", "value1"), ("My-Header1", "value3"), ("My-Header1", "value2"),
            ],
            canonicalRequestSHA256: "31ce73cd3f3d9f66977ad3dd957dc47af14df92fcd8509f59b349e9137c58b86",
            signature: "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"),
        Vector(
            name: "get-header-value-trim", extraHeaders: [("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
            canonicalRequestSHA256: "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
            signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
            canonicalRequest:
                "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n\(emptyHash)"
        ),
        Vector(
            name: "get-unreserved", path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            canonicalRequestSHA256: "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
            signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
        Vector(
            name: "get-utf8", path: "/ሴ",
            canonicalRequestSHA256: "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
            signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
            canonicalRequest:
                "GET\n/%E1%88%B4\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(emptyHash)"
        ),
        Vector(
            name: "post-vanilla", method: "POST",
            canonicalRequestSHA256: "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
            signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        Vector(
            name: "post-vanilla-query", method: "POST", query: "Param1=value1",
            canonicalRequestSHA256: "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
            signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        Vector(
            name: "post-header-key-sort", method: "POST", extraHeaders: [("My-Header1", "value1")],
            canonicalRequestSHA256: "9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65",
            signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
        Vector(
            name: "post-header-value-case", method: "POST", extraHeaders: [("My-Header1", "VALUE1")],
            canonicalRequestSHA256: "d51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93",
            signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
        Vector(
            name: "post-x-www-form-urlencoded", method: "POST",
            extraHeaders: [("Content-Type", "application/x-www-form-urlencoded")], body: "Param1=value1",
            canonicalRequestSHA256: "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
            signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            canonicalRequest:
                "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
        ),
        Vector(
            name: "post-x-www-form-urlencoded-parameters", method: "POST",
            extraHeaders: [("Content-Type", "application/x-www-form-urlencoded; charset=utf8")], body: "Param1=value1",
            canonicalRequestSHA256: "2e1cf7ed91881a30569e46552437e4156c823447bf1781b921b5d486c568dd1c",
            signature: "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"),
        Vector(
            name: "post-sts-header-before", method: "POST", extraHeaders: [("X-Amz-Security-Token", securityToken)],
            canonicalRequestSHA256: "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
            signature: "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"),
        Vector(
            name: "normalize-path/get-relative", path: "/example/..",
            canonicalRequestSHA256: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(
            name: "normalize-path/get-relative-relative", path: "/example1/example2/../..",
            canonicalRequestSHA256: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(
            name: "normalize-path/get-slash", path: "//",
            canonicalRequestSHA256: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(
            name: "normalize-path/get-slash-dot-slash", path: "/./",
            canonicalRequestSHA256: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(
            name: "normalize-path/get-slash-pointless-dot", path: "/./example",
            canonicalRequestSHA256: "214d50c111a8edc4819da6a636336472c916b5240f51e9a51b5c3305180cf702",
            signature: "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"),
        Vector(
            name: "normalize-path/get-slashes", path: "//example//",
            canonicalRequestSHA256: "cb96b4ac96d501f7c5c15bc6d67b3035061cfced4af6585ad927f7e6c985c015",
            signature: "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84",
            canonicalRequest:
                "GET\n/example/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(emptyHash)"
        ),
        Vector(
            name: "normalize-path/get-space", path: "/example space/",
            canonicalRequestSHA256: "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86",
            signature: "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741",
            canonicalRequest:
                "GET\n/example%20space/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(emptyHash)"
        ),
    ]

    static func canonicalRequest(_ vector: Vector) -> String {
        SigV4Canonical.canonicalRequest(
            method: vector.method, path: vector.path, query: vector.query, headers: vector.headers,
            signedHeaders: vector.signedHeaders, payloadSHA256Hex: SigV4Request.sha256Hex(Array(vector.body.utf8)))
    }

    @Test("builds the canonical request and string to sign the suite expects", arguments: vectors)
    func canonicalRequestAndStringToSign(_ vector: Vector) {
        let canonicalRequest = Self.canonicalRequest(vector)
        if let expected = vector.canonicalRequest {
            #expect(canonicalRequest == expected)
        }
        let stringToSign = SigV4Canonical.stringToSign(
            timestamp: Self.timestamp, scope: "20150830/us-east-1/service/aws4_request",
            canonicalRequest: canonicalRequest)
        #expect(
            stringToSign
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\(vector.canonicalRequestSHA256)"
        )
    }

    @Test("signs each request with the suite's signature", arguments: vectors)
    func signerMatchesSuite(_ vector: Vector) throws {
        let signer = SigV4Signer(
            accessKeyId: Self.accessKeyId, secretAccessKey: Self.secret, region: "us-east-1", service: "service")
        let added = signer.sign(
            method: vector.method, path: vector.path, query: vector.query,
            headers: vector.headers.filter { $0.name != "X-Amz-Date" }, body: Array(vector.body.utf8), date: Self.now)
        let authorization = try #require(added.first { $0.name == "Authorization" }?.value)
        #expect(authorization == vector.authorization)
        #expect(added.first { $0.name == "X-Amz-Date" }?.value == Self.timestamp)
    }

    @Test("accepts each signed request of the suite", arguments: vectors)
    func verifierAcceptsSuite(_ vector: Vector) throws {
        let verifier = SigV4Verifier(secrets: { $0 == Self.accessKeyId ? Self.secret : nil })
        let request = SigV4Request(
            method: vector.method, path: vector.path, query: vector.query,
            headers: vector.headers + [("Authorization", vector.authorization)], body: Array(vector.body.utf8))
        let identity = try verifier.verify(request, now: Self.now)
        #expect(
            identity
                == SigV4Identity(
                    accessKeyId: "AKIDEXAMPLE", region: "us-east-1", service: "service", requestDate: Self.now))
    }

    @Test("rejects each request of the suite once its body or a signed header changes", arguments: vectors)
    func verifierRejectsTamperedSuite(_ vector: Vector) {
        let verifier = SigV4Verifier(secrets: { $0 == Self.accessKeyId ? Self.secret : nil })
        let tampered = SigV4Request(
            method: vector.method, path: vector.path, query: vector.query,
            headers: vector.headers + [("Authorization", vector.authorization)], body: Array((vector.body + "x").utf8))
        #expect(throws: AWSWireError.invalidSignature()) { try verifier.verify(tampered, now: Self.now) }
        let otherHost = SigV4Request(
            method: vector.method, path: vector.path, query: vector.query,
            headers: [("Host", "example.amazonaws.org")] + vector.headers.dropFirst()
                + [("Authorization", vector.authorization)],
            body: Array(vector.body.utf8))
        #expect(throws: AWSWireError.invalidSignature()) { try verifier.verify(otherHost, now: Self.now) }
    }

    @Test("reproduces the IAM ListUsers worked example from the AWS documentation")
    func iamListUsersExample() throws {
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Host", "iam.amazonaws.com"),
            ("X-Amz-Date", Self.timestamp),
        ]
        let canonicalRequest = SigV4Canonical.canonicalRequest(
            method: "GET", path: "/", query: "Action=ListUsers&Version=2010-05-08", headers: headers,
            signedHeaders: ["content-type", "host", "x-amz-date"], payloadSHA256Hex: Self.emptyHash)
        #expect(
            canonicalRequest
                == "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n\(Self.emptyHash)"
        )
        let stringToSign = SigV4Canonical.stringToSign(
            timestamp: Self.timestamp, scope: "20150830/us-east-1/iam/aws4_request", canonicalRequest: canonicalRequest)
        #expect(stringToSign.hasSuffix("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"))
        let key = SigV4Canonical.signingKey(secret: Self.secret, date: "20150830", region: "us-east-1", service: "iam")
        #expect(SigV4Canonical.hex(key) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        #expect(
            SigV4Canonical.signature(signingKey: key, stringToSign: stringToSign)
                == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
        let signer = SigV4Signer(
            accessKeyId: Self.accessKeyId, secretAccessKey: Self.secret, region: "us-east-1", service: "iam")
        let added = signer.sign(
            method: "GET", path: "/", query: "Action=ListUsers&Version=2010-05-08", headers: Array(headers.prefix(2)),
            body: [UInt8](), date: Self.now)
        #expect(
            added.last?.value
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        )
    }
}
