import AdmiralControlPlane
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// Live pages: a page asked for as `text/event-stream` is re-rendered whenever the
/// change feed announces a change to its cluster or to a service (and at least every
/// `liveInterval`), and the live sections that changed are sent as one `fragments`
/// event: a JSON object from section id to its new HTML, which the page's script swaps in.
extension Console {
    /// A comment line is sent when nothing else was for this long, so that a closed
    /// connection is noticed (a write to it fails) before many more renders are spent on
    /// a page nobody looks at, and so that proxies keep the stream open.
    static let heartbeat: Duration = .seconds(1)
    /// After a change is announced, wait this long for the changes that come with it
    /// (a task and its service) so the page is rendered once for them.
    static let coalesce: Duration = .milliseconds(30)
    /// A live page is rendered again no sooner than this many times its last render took.
    static let renderCostRatio = 10

    func live(route: [String], view: ViewContext) -> Response {
        var headers = Self.securityHeaders(contentType: "text/event-stream; charset=utf-8")
        headers[.cacheControl] = "no-store"
        let body = ResponseBody { [self] writer in
            let stop = StopFlag()
            try await withGracefulShutdownHandler {
                try await stream(route: route, view: view, writer: &writer, stop: stop)
            } onGracefulShutdown: {
                stop.set()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    func stream(route: [String], view: ViewContext, writer: inout any ResponseBodyWriter, stop: StopFlag)
        async throws
    {
        var view = view
        view.streaming = true
        let cluster = route.count >= 2 && route[0] == "clusters" ? route[1] : nil
        let clusterWaiter = cluster.map { controlPlane.feed.clusters.register($0) }
        let serviceWaiter = controlPlane.feed.services.register(ChangeFeed.controllerKey)
        var sent: [String: String] = [:]
        let clock = ContinuousClock()
        var lastWrite = clock.now
        try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
        let encoder = JSONEncoder()
        // The page was rendered a moment ago: render it again only after a change or a
        // tick, so that opening a page does not cost two renders at once.
        _ = await Self.waitForChange([clusterWaiter, serviceWaiter].compactMap { $0 }, timeout: liveInterval)
        while !stop.isSet, !Task.isCancelled {
            guard sessions.session(view.session.id) != nil else {
                try await writer.write(ByteBuffer(string: "event: signed-out\ndata: {}\n\n"))
                return
            }
            let started = clock.now
            if let page = try? await render(route: route, view: view) {
                var changed: [String: String] = [:]
                for section in page.sections where section.live && sent[section.id] != section.content.markup {
                    changed[section.id] = section.content.markup
                    sent[section.id] = section.content.markup
                }
                if !changed.isEmpty {
                    let data = String(decoding: try encoder.encode(changed), as: UTF8.self)
                    try await writer.write(ByteBuffer(string: "event: fragments\ndata: \(data)\n\n"))
                    lastWrite = clock.now
                }
            }
            if clock.now - lastWrite >= Self.heartbeat {
                try await writer.write(ByteBuffer(string: ": still here\n\n"))
                lastWrite = clock.now
            }
            // A page that takes long to render (a cluster of thousands of tasks) is
            // rendered at most once per `renderCostRatio` times its cost, so that an open
            // page uses at most about a tenth of a core however often changes come.
            let cost = clock.now - started
            let earliest = started + max(Self.coalesce, cost * Self.renderCostRatio)
            let nextRender = max(clock.now + liveInterval, earliest)
            var signalled = false
            // While waiting, a heartbeat each second: a page the browser left is noticed
            // (the write fails) without rendering it again.
            while !signalled, clock.now < nextRender, !stop.isSet {
                signalled = await Self.waitForChange(
                    [clusterWaiter, serviceWaiter].compactMap { $0 },
                    timeout: min(Self.heartbeat, nextRender - clock.now))
                if !signalled, clock.now - lastWrite >= Self.heartbeat {
                    try await writer.write(ByteBuffer(string: ": still here\n\n"))
                    lastWrite = clock.now
                }
            }
            if signalled { try? await Task.sleep(until: max(clock.now + Self.coalesce, earliest), clock: clock) }
        }
    }

    /// Waits until one of the waiters is signalled (true) or the timeout passes (false).
    static func waitForChange(_ waiters: [Signals.Waiter], timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            for waiter in waiters {
                group.addTask { await waiter.wait(timeout: timeout) }
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}

/// Set once when the server shuts down gracefully, so that open streams end.
final class StopFlag: Sendable {
    private let value = Atomic(false)

    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
