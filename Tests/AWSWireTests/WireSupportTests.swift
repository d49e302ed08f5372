import Foundation
import Testing

@testable import AWSWire

@Suite("Timestamps and percent-encoding")
struct WireSupportTests {
    @Test("formats the SigV4 basic ISO 8601 format, dropping fractions, and parses it strictly")
    func basicFormat() throws {
        let date = Date(timeIntervalSince1970: 1_440_938_160.75)
        #expect(AWSTimestamp.basicISO8601(date) == "20150830T123600Z")  // truncated, as botocore does
        #expect(AWSTimestamp.parseBasicISO8601("20150830T123600Z") == Date(timeIntervalSince1970: 1_440_938_160))
        for bad in [
            "20150830T123600", "2015-08-30T12:36:00Z", "20150231T000000Z", "20151330T000000Z", "20150830T246000Z",
        ] {
            #expect(AWSTimestamp.parseBasicISO8601(bad) == nil)
        }
        #expect(AWSTimestamp.scopeDate(date) == "20150830")
    }

    @Test("formats response timestamps with milliseconds, before 1970 and on leap days too")
    func millisecondFormat() {
        #expect(
            AWSTimestamp.iso8601WithMilliseconds(Date(timeIntervalSince1970: 1_795_626_083.123))
                == "2026-11-25T17:01:23.123Z")
        #expect(AWSTimestamp.iso8601WithMilliseconds(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(AWSTimestamp.iso8601WithMilliseconds(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(
            AWSTimestamp.iso8601WithMilliseconds(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z"
        )
    }

    @Test("parses the ISO 8601 forms clients send")
    func parseExtended() throws {
        let base = 1_795_626_083.0
        let cases: [(String, Double)] = [
            ("2026-11-25T17:01:23Z", base), ("2026-11-25T17:01:23.123000Z", base + 0.123),
            ("2026-11-25T17:01:23.5", base + 0.5), ("2026-11-25T18:01:23+01:00", base),
            ("2026-11-25T16:01:23-0100", base), ("2026-11-25 17:01:23z", base), ("2026-11-25", 1_795_564_800),
            ("1795626083", base), ("1795626083.25", base + 0.25),
        ]
        for (text, expected) in cases {
            let date = try #require(AWSTimestamp.parseISO8601(text), "\(text)")
            #expect(abs(date.timeIntervalSince1970 - expected) < 0.000_5, "\(text)")
        }
        for bad in [
            "", "soon", "2026-11-25T17:01", "2026-13-25T17:01:23Z", "2026-11-25T17:01:23.Z", "2026-11-25T17:01:23Q",
        ] {
            #expect(AWSTimestamp.parseISO8601(bad) == nil, "\(bad)")
        }
    }

    @Test("parses HTTP dates")
    func parseHTTPDate() {
        #expect(
            AWSTimestamp.parseRFC1123("Sun, 30 Aug 2015 12:36:00 GMT") == Date(timeIntervalSince1970: 1_440_938_160))
        #expect(AWSTimestamp.parseRFC1123("Sun, 30 Foo 2015 12:36:00 GMT") == nil)
        #expect(AWSTimestamp.parseRFC1123("2015-08-30") == nil)
    }

    @Test("percent-encodes as SigV4's UriEncode and decodes bytes losslessly")
    func percentEncoding() {
        #expect(PercentEncoding.encode("a b/c~d*é".utf8, keepSlash: true) == "a%20b/c~d%2A%C3%A9")
        #expect(PercentEncoding.encode("a/b".utf8, keepSlash: false) == "a%2Fb")
        #expect(PercentEncoding.decode("a+b%2B%zz%E2%98%83%", plusAsSpace: true) == Array("a b+%zz☃%".utf8))
        #expect(PercentEncoding.decode("a+b", plusAsSpace: false) == Array("a+b".utf8))
        #expect(SigV4Canonical.canonicalQuery("b=2&a=%7e&a=1&c&d=x+y") == "a=1&a=~&b=2&c=&d=x%2By")
        #expect(
            SigV4Canonical.canonicalQuery("X-Amz-Signature=abc&A=1", excluding: ["X-Amz-Signature"]) == "A=1")
    }

    @Test("normalises paths as botocore does for non-S3 services")
    func pathNormalisation() {
        #expect(SigV4Canonical.canonicalURI("") == "/")
        #expect(SigV4Canonical.canonicalURI("/a/./b/../c//d/") == "/a/c/d/")
        #expect(SigV4Canonical.canonicalURI("/a%20b") == "/a%2520b")
        #expect(SigV4Canonical.canonicalURI("/../..") == "/")
    }

    @Test("compares signatures in full")
    func constantTimeEquals() {
        #expect(Hex.constantTimeEquals("abc", "abc"))
        #expect(!Hex.constantTimeEquals("abc", "abd"))
        #expect(!Hex.constantTimeEquals("abc", "abcd"))
        #expect(Hex.encode([0x00, 0xAB, 0xFF]) == "00abff")
    }
}
