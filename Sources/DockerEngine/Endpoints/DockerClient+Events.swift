import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension DockerClient {
    /// Subscribes to the daemon's events.
    ///
    /// Returns once the daemon has accepted the subscription, so events after the return
    /// are not missed. The sequence runs until the task iterating it is cancelled or the
    /// daemon goes away; it then ends or throws, and reconnecting (with `since` set to the
    /// last event's time, so nothing is lost) is left to the caller.
    ///
    /// - Parameters:
    ///   - filter: what to report, for example ``EventFilter/containers(labels:)``.
    ///   - since: replay events from this time (seconds since 1970) on.
    public func events(_ filter: EventFilter = EventFilter(), since: Int64? = nil) async throws -> DockerEventStream {
        let path = RequestPath(
            "/events",
            query: [("since", since.map(String.init)), ("filters", RequestPath.filters(filter.engineFilters))]
        )
        let response = try await stream(.GET, path, deadline: .distantFuture)
        return DockerEventStream(body: response.body)
    }
}

/// The daemon's events, decoded from its newline-delimited JSON stream.
public struct DockerEventStream: AsyncSequence, Sendable {
    /// One event.
    public typealias Element = DockerEvent

    private let body: HTTPClientResponse.Body

    init(body: HTTPClientResponse.Body) {
        self.body = body
    }

    /// Starts reading events.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunks: body.makeAsyncIterator())
    }

    /// Reads events one by one.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var chunks: HTTPClientResponse.Body.AsyncIterator
        private var splitter = JSONLineSplitter()
        private var finished = false

        init(chunks: HTTPClientResponse.Body.AsyncIterator) {
            self.chunks = chunks
        }

        /// The next event, or nil when the daemon closed the stream.
        public mutating func next() async throws -> DockerEvent? {
            while !finished {
                if let line = splitter.nextLine() {
                    return try Self.decode(line)
                }
                let chunk: ByteBuffer?
                do {
                    chunk = try await chunks.next()
                } catch {
                    throw DockerClient.translate(error, path: "/events")
                }
                guard let chunk else {
                    finished = true
                    return try splitter.finish().map(Self.decode)
                }
                splitter.append(chunk)
            }
            return nil
        }

        static func decode(_ line: ByteBuffer) throws(DockerError) -> DockerEvent {
            do {
                return try JSONDecoder().decode(DockerEvent.self, from: Data(line.readableBytesView))
            } catch {
                let text = String(decoding: line.readableBytesView, as: UTF8.self)
                throw DockerError(.invalidResponse, "cannot decode a Docker event from \(text): \(error)")
            }
        }
    }
}
