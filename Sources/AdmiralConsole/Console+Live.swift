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
///
/// Every stream of the same page (path and query) shares one render per change
/// (`LivePages`), made on the render executor, not on the event loops. The shared render
/// carries a placeholder where each form's anti-CSRF token goes; each stream puts its own
/// session's token in place of it before sending.
extension Console {
    /// A comment line is sent when nothing else was for this long, so that a closed
    /// connection is noticed (a write to it fails) before many more renders are spent on
    /// a page nobody looks at, and so that proxies keep the stream open.
    static let heartbeat: Duration = .seconds(1)
    /// After a change is announced, wait this long for the changes that come with it
    /// (a task and its service) so the page is rendered once for them.
    static let coalesce: Duration = .milliseconds(50)
    /// A live page is rendered at most this often: a busy cluster announces changes
    /// continuously (every task state change, every service pass), and a page that shows
    /// them four times a second is as live as a person can read.
    static let minimumRenderInterval: Duration = .milliseconds(250)
    /// A live page is rendered again no sooner than this many times its last render took,
    /// so that the open pages of a big cluster use a bounded share of a core however
    /// often changes come.
    static let renderCostRatio = 10
    /// Stands in for the anti-CSRF token in renders shared by several sessions: random,
    /// so no page content can hold it by chance or by design.
    static let livePlaceholderToken = "live-token-" + SessionStore.randomToken()

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
        let key = Self.path(of: route) + "?" + view.rawQuery
        livePages.watch(key)
        defer { livePages.unwatch(key) }
        var shared = view
        shared.streaming = true
        shared.csrfTokenOverride = Self.livePlaceholderToken
        let token = view.session.csrfToken
        let cluster = route.count >= 2 && route[0] == "clusters" ? route[1] : nil
        // A waiter is good for one wait: a wait that times out (or that another waiter
        // won) cancels its reading of the signal stream, which ends the stream. So the
        // waiters are registered again after every wait, and before each render, so that
        // a change made while the page renders is not missed.
        let register: () -> [Signals.Waiter] = { [controlPlane] in
            [
                cluster.map { controlPlane.feed.clusters.register($0) },
                controlPlane.feed.services.register(ChangeFeed.controllerKey),
            ].compactMap { $0 }
        }
        var waiters = register()
        var sent: [String: String] = [:]
        let clock = ContinuousClock()
        var lastWrite = clock.now
        try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
        let encoder = JSONEncoder()
        // The page was rendered a moment ago: render it again only after a change or a
        // tick, so that opening a page does not cost two renders at once.
        let opened = clock.now
        var notBefore = await Self.waitForChange(waiters, timeout: liveInterval) ? clock.now : opened
        if notBefore > opened { try? await Task.sleep(for: Self.coalesce) }
        waiters = register()
        while !stop.isSet, !Task.isCancelled {
            guard sessions.session(view.session.id) != nil else {
                try await writer.write(ByteBuffer(string: "event: signed-out\ndata: {}\n\n"))
                return
            }
            let snapshot = await livePages.snapshot(key, notBefore: notBefore) {
                await withTaskExecutorPreference(RenderExecutor.shared) {
                    guard let page = try? await render(route: route, view: shared) else { return nil }
                    return page.sections.filter(\.live).map { (id: $0.id, markup: $0.content.markup) }
                }
            }
            if let snapshot {
                var changed: [String: String] = [:]
                for section in snapshot.sections where sent[section.id] != section.markup {
                    changed[section.id] = section.markup.replacingOccurrences(
                        of: Self.livePlaceholderToken, with: token)
                    sent[section.id] = section.markup
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
            // The next render: after a change, or a tick; no sooner than a multiple of
            // what the last one cost (a cluster of thousands of tasks costs more).
            let rendered = snapshot?.started ?? clock.now
            let earliest =
                rendered + max(Self.minimumRenderInterval, (snapshot?.cost ?? .zero) * Self.renderCostRatio)
            let tick = max(clock.now + liveInterval, earliest)
            var signalled = false
            // While waiting, a heartbeat each second: a page the browser left is noticed
            // (the write fails) without rendering it again.
            while !signalled, clock.now < tick, !stop.isSet {
                signalled = await Self.waitForChange(waiters, timeout: min(Self.heartbeat, tick - clock.now))
                waiters = register()
                if !signalled, clock.now - lastWrite >= Self.heartbeat {
                    try await writer.write(ByteBuffer(string: ": still here\n\n"))
                    lastWrite = clock.now
                }
            }
            if signalled {
                // A render that begins after the change was announced shows it; another
                // stream of the page may already have begun one.
                notBefore = clock.now
                try? await Task.sleep(until: max(clock.now + Self.coalesce, earliest), clock: clock)
            } else {
                notBefore = rendered + .nanoseconds(1)
            }
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
