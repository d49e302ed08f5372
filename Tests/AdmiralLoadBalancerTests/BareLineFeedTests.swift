import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import AdmiralLoadBalancer

@Suite("Target response heads whose lines end with a bare LF")
struct BareLineFeedTests {
    @Test("a response head with bare LF line ends (or a mix) is found and parsed")
    func parsesBareLF() throws {
        for text in [
            "HTTP/1.1 200 OK\nContent-Length: 2\nX-A: b\n\nok", "HTTP/1.1 200 OK\r\nContent-Length: 2\nX-A: b\r\n\nok",
        ] {
            let buffer = ByteBuffer(string: text)
            var scan = 0
            let length = try #require(try HTTPHeadParser.headLength(in: buffer, scanFrom: &scan, allowBareLF: true))
            #expect(length == buffer.readableBytes - 2)
            let head = try HTTPHeadParser.parseResponse(buffer.getSlice(at: buffer.readerIndex, length: length)!)
            #expect(head.status == 200)
            #expect(head.contentLength == 2)
            #expect(head.fields.count == 2)
            var out = ByteBuffer()
            HeadWriter.clientResponse(head, cookies: [], connection: .none, reserve: 0, into: &out)
            #expect(String(buffer: out) == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\n")
        }
    }

    @Test("a head found a byte at a time with bare LFs ends at its empty line")
    func foundAcrossReads() throws {
        let text = "HTTP/1.1 204 No Content\nX: y\n\n"
        var buffer = ByteBuffer()
        var scan = 0
        for (index, byte) in text.utf8.enumerated() {
            buffer.writeInteger(byte)
            let found = try HTTPHeadParser.headLength(in: buffer, scanFrom: &scan, allowBareLF: true)
            #expect(found == (index == text.utf8.count - 1 ? text.utf8.count : nil))
        }
    }

    @Test("request heads still need CRLF")
    func requestsStayStrict() {
        var scan = 0
        let buffer = ByteBuffer(string: "GET / HTTP/1.1\nHost: x\n\n")
        #expect((try? HTTPHeadParser.headLength(in: buffer, scanFrom: &scan)) == nil)
        #expect(throws: HTTPHeadError.self) {
            try HTTPHeadParser.parseRequest(ByteBuffer(string: "GET / HTTP/1.1\nHost: x\r\n\r\n"))
        }
    }

    @Test("the load balancer relays a target's answer whose head lines end with a bare LF")
    func proxiesBareLF() async throws {
        let target = try await RawTarget.start(answer: "HTTP/1.1 200 OK\nContent-Length: 2\n\nok")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(
            simpleConfiguration(targets: [TargetConfiguration(id: "raw", host: "127.0.0.1", port: target.port)]))
        let connection = try await TestConnection.connect(port: dataPlane.port())
        let response = try await connection.request(.GET, "/")
        #expect(response.status == 200)
        #expect(response.text == "ok")
        // The connection to the target was kept: a second request works too.
        #expect(try await connection.request(.GET, "/again").text == "ok")
        await connection.close()
        await dataPlane.shutdown()
        try? await target.channel.close()
    }
}

/// A target that is a bare socket: it answers every read with the same bytes.
private struct RawTarget {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start(answer: String) async throws -> RawTarget {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Answerer(answer: answer))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawTarget(channel: channel)
    }

    private final class Answerer: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let answer: String
        init(answer: String) { self.answer = answer }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            // One answer per request head (each test request arrives in one read).
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
        }
    }
}
