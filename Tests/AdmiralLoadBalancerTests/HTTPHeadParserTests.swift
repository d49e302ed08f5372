import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import AdmiralLoadBalancer

@Suite("HTTP/1.1 head parsing and framing")
struct HTTPHeadParserTests {
    @Test("a request head is found across reads and parsed with its fields")
    func parsesRequest() throws {
        var scan = 0
        var buffer = ByteBuffer(string: "GET /a?b=c HTTP/1.1\r\nHost: x\r\nContent-Length: 3")
        let incomplete = try HTTPHeadParser.headLength(in: buffer, scanFrom: &scan)
        #expect(incomplete == nil)
        buffer.writeString("\r\n\r\nabc")
        let length = try #require(try HTTPHeadParser.headLength(in: buffer, scanFrom: &scan))
        #expect(length == buffer.readableBytes - 3)
        let head = try HTTPHeadParser.parseRequest(buffer.readSlice(length: length)!)
        #expect(head.method == "GET")
        #expect(head.target == "/a?b=c")
        #expect(head.versionMinor == 1)
        #expect(head.contentLength == 3)
        #expect(head.firstValue(of: .host) == "x")
        #expect(head.isKeepAlive)
    }

    @Test("the fields the proxy acts on are recognised whatever their case")
    func fieldKinds() throws {
        let expected: [(String, HTTPHead.FieldKind)] = [
            ("Host", .host), ("Content-Length", .contentLength), ("transfer-encoding", .transferEncoding),
            ("CONNECTION", .connection), ("Keep-Alive", .keepAlive), ("Proxy-Connection", .proxyConnection),
            ("TE", .te), ("Upgrade", .upgrade), ("Trailer", .trailer), ("X-Forwarded-For", .xForwardedFor),
            ("X-Forwarded-Proto", .xForwardedProto), ("X-Forwarded-Port", .xForwardedPort),
            ("X-Amzn-Trace-Id", .traceID), ("Cookie", .cookie), ("Set-Cookie", .setCookie), ("Expect", .expect),
            ("X-Other", .other),
        ]
        var text = "HTTP/1.1 200 OK\r\n"
        for (name, kind) in expected {
            let value = kind == .contentLength ? "0" : kind == .transferEncoding ? "chunked" : "v"
            text += "\(name): \(value)\r\n"
        }
        let head = try HTTPHeadParser.parseResponse(ByteBuffer(string: text + "\r\n"))
        #expect(head.fields.map(\.kind) == expected.map(\.1))
    }

    @Test("keep-alive follows the version and the Connection header")
    func keepAlive() throws {
        #expect(try !requestHead("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").isKeepAlive)
        #expect(try !requestHead("GET / HTTP/1.0\r\n\r\n").isKeepAlive)
        #expect(try requestHead("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").isKeepAlive)
    }

    @Test(
        "malformed heads are refused",
        arguments: [
            "GET /\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "G(T / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
            "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
            "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\u{0}b\r\n\r\n",
        ])
    func malformed(_ text: String) {
        #expect(throws: HTTPHeadError.self) { try requestHead(text) }
    }

    @Test(
        "request smuggling framings are refused",
        arguments: [
            "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 3x\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        ])
    func smuggling(_ text: String) {
        #expect(throws: HTTPHeadError.badFraming) { try requestHead(text) }
    }

    @Test("a head larger than 64 KiB is too large")
    func oversized() {
        let buffer = ByteBuffer(string: "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 70_000))
        #expect(throws: HTTPHeadError.tooLarge) {
            var offset = 0
            _ = try HTTPHeadParser.headLength(in: buffer, scanFrom: &offset)
        }
    }

    @Test("response heads give the status and the body framing")
    func response() throws {
        let head = try HTTPHeadParser.parseResponse(
            ByteBuffer(string: "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\n"))
        #expect(head.status == 404)
        guard case .length(5) = MessageFraming.response(head, requestWasHead: false) else {
            Issue.record("expected a length framing")
            return
        }
        #expect(MessageFraming.response(head, requestWasHead: true).isComplete)
        let closeDelimited = try HTTPHeadParser.parseResponse(ByteBuffer(string: "HTTP/1.0 200 OK\r\n\r\n"))
        guard case .untilClose = MessageFraming.response(closeDelimited, requestWasHead: false) else {
            Issue.record("expected a close-delimited body")
            return
        }
        #expect(throws: HTTPHeadError.self) { try HTTPHeadParser.parseResponse(ByteBuffer(string: "garbage\r\n\r\n")) }
    }

    @Test("chunked bodies are followed to their end across pieces, trailers included")
    func chunked() throws {
        let body = "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: yes\r\n\r\nNEXT"
        // Feed one byte at a time: the end must be found exactly.
        var framing = MessageFraming.chunked(ChunkedParser())
        var taken = ""
        var done = false
        for character in body.utf8 where !done {
            var piece = ByteBuffer(bytes: [character])
            let result = try framing.take(from: &piece)
            if let bytes = result.bytes { taken += String(buffer: bytes) }
            done = result.done
        }
        #expect(done)
        #expect(taken == String(body.dropLast(4)))
        var whole = ByteBuffer(string: body)
        var again = MessageFraming.chunked(ChunkedParser())
        let result = try again.take(from: &whole)
        #expect(result.done)
        #expect(String(buffer: whole) == "NEXT")
    }

    @Test("broken chunk framing is an error", arguments: ["zz\r\n", "4\r\nWikiX", "\r\n"])
    func brokenChunks(_ text: String) {
        var framing = MessageFraming.chunked(ChunkedParser())
        var buffer = ByteBuffer(string: text)
        #expect(throws: HTTPHeadError.badFraming) { try framing.take(from: &buffer) }
    }

    @Test("forwarded requests drop hop-by-hop fields and add ALB's X-Forwarded fields")
    func forwardedRequest() throws {
        let head = try requestHead(
            "GET /x HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: 5\r\n"
                + "X-Forwarded-For: 1.2.3.4\r\nX-Forwarded-Proto: https\r\nAccept: */*\r\n\r\n")
        var out = ByteBuffer(string: "left over from the last request")
        HeadWriter.forwardedRequest(
            head, clientIP: "127.0.0.1", listenerPort: "8080", traceID: { "Root=1-00000000-000000000000000000000000" },
            into: &out)
        let text = String(buffer: out)
        #expect(text.hasPrefix("GET /x HTTP/1.1\r\nHost: a\r\n"))
        #expect(text.contains("Accept: */*\r\n"))
        #expect(!text.contains("X-Secret"))
        #expect(!text.contains("Keep-Alive"))
        #expect(!text.contains("Connection"))
        #expect(text.contains("X-Forwarded-For: 1.2.3.4, 127.0.0.1\r\n"))
        #expect(text.contains("X-Forwarded-Proto: http\r\n"))
        #expect(!text.contains("https"))
        #expect(text.contains("X-Forwarded-Port: 8080\r\n"))
        #expect(text.contains("X-Amzn-Trace-Id: Root=1-00000000-000000000000000000000000\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
        let kept = try requestHead("GET / HTTP/1.1\r\nX-Amzn-Trace-Id: Root=1-abc\r\n\r\n")
        var keptOut = ByteBuffer()
        HeadWriter.forwardedRequest(kept, clientIP: "::1", listenerPort: "80", traceID: { "new" }, into: &keptOut)
        let keptText = String(buffer: keptOut)
        #expect(keptText.contains("X-Amzn-Trace-Id: Root=1-abc\r\n"))
        #expect(!keptText.contains("new"))
    }

    @Test("trace ids have ALB's shape: Root=1-<8 hex epoch>-<24 hex>")
    func traceIDShape() {
        let loop = LoopContext(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let id = loop.newTraceID()
        let parts = id.split(separator: "-")
        #expect(id.hasPrefix("Root=1-"))
        #expect(parts.count == 3)
        #expect(parts[1].count == 8 && parts[2].count == 24)
        #expect(parts[1].allSatisfy { $0.isHexDigit } && parts[2].allSatisfy { $0.isHexDigit })
        #expect(id != loop.newTraceID())
    }
}
