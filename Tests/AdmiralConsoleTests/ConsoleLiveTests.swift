import AdmiralControlPlane
import AdmiralModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import Testing

@testable import AdmiralConsole

@Suite("Console live pages and big lists")
struct ConsoleLiveTests {
    @Test("watchers of a page that ask for a render after the same moment share one render")
    func sharesRenders() async throws {
        let pages = LivePages()
        let renders = Counter()
        pages.watch("page")
        pages.watch("page")
        defer {
            pages.unwatch("page")
            pages.unwatch("page")
        }
        let asked = ContinuousClock.now
        let snapshots = await withTaskGroup(of: LivePages.Snapshot?.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    await pages.snapshot("page", notBefore: asked) {
                        renders.add()
                        try? await Task.sleep(for: .milliseconds(50))
                        return [("counts", "<p>1</p>")]
                    }
                }
            }
            var snapshots: [LivePages.Snapshot?] = []
            for await snapshot in group { snapshots.append(snapshot) }
            return snapshots
        }
        #expect(renders.value == 1)
        #expect(snapshots.allSatisfy { $0?.sections.first?.markup == "<p>1</p>" })
        // A change announced after that render needs a new one.
        let later = await pages.snapshot("page", notBefore: ContinuousClock.now) {
            renders.add()
            return [("counts", "<p>2</p>")]
        }
        #expect(renders.value == 2)
        #expect(later?.sections.first?.markup == "<p>2</p>")
    }

    @Test("each event stream of a shared page sends its own session's anti-CSRF token in the forms")
    func streamsCarryTheirOwnToken() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        _ = try await harness.controlPlane.clusters.createCluster(
            ECS.CreateClusterRequest(clusterName: "default"), context: harness.context)
        _ = try await harness.controlPlane.containerInstances.register(
            ECS.RegisterContainerInstanceRequest(
                cluster: "default", instanceIdentityDocument: #"{"instanceId": "i-0123456789abcdef0"}"#,
                totalResources: [
                    ECS.Resource(name: "CPU", type: "INTEGER", integerValue: 2048),
                    ECS.Resource(name: "MEMORY", type: "INTEGER", integerValue: 4096),
                ]), context: harness.context)
        let console = Console(
            controlPlane: harness.controlPlane, users: [ConsoleHarness.user], liveInterval: .milliseconds(50))
        let sessions = [
            console.sessions.start(for: ConsoleHarness.user), console.sessions.start(for: ConsoleHarness.user),
        ]
        let streams = await withTaskGroup(of: (SessionStore.Session, String).self) { group in
            for session in sessions {
                group.addTask {
                    let recorder = StreamRecorder()
                    var writer: any ResponseBodyWriter = RecordingWriter(recorder: recorder)
                    let view = ViewContext(session: session, query: FormData(urlEncoded: ""), errors: [:])
                    try? await console.stream(
                        route: ["clusters", "default"], view: view, writer: &writer, stop: recorder.stop)
                    return (session, recorder.text)
                }
            }
            var streams: [(SessionStore.Session, String)] = []
            for await stream in group { streams.append(stream) }
            return streams
        }
        #expect(streams.count == 2)
        for (session, text) in streams {
            let other = sessions.first { $0.id != session.id }?.csrfToken ?? ""
            #expect(text.contains("event: fragments"))
            #expect(text.contains("i-0123456789abcdef0"))
            #expect(text.contains(session.csrfToken))
            #expect(!text.contains(other))
            #expect(!text.contains(Console.livePlaceholderToken))
        }
    }

    @Test("the services page lists a screen of services with a link to the next, the cluster page the first 50")
    func paginatesServices() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.makeService(desiredCount: 0)
        for index in 0..<104 {
            _ = try await harness.controlPlane.services.createService(
                ECS.CreateServiceRequest(
                    cluster: "default", serviceName: String(format: "svc-%03d", index), taskDefinition: "app",
                    desiredCount: 0),
                context: harness.context)
        }
        try await harness.run { browser in
            _ = try await browser.signIn()
            let first = try await browser.get("/console/clusters/default/services")
            #expect(first.status == 200)
            #expect(first.body.contains(">svc-000</a>"))
            #expect(first.body.contains(">svc-099</a>"))
            #expect(!first.body.contains(">svc-100</a>"))
            #expect(first.body.contains("Showing 100 of 105 services"))
            #expect(first.body.contains("href=\"/console/clusters/default/services?after=svc-099\""))
            let second = try await browser.get("/console/clusters/default/services?after=svc-099")
            #expect(second.body.contains(">svc-100</a>"))
            #expect(second.body.contains(">web</a>"))
            #expect(!second.body.contains(">svc-099</a>"))
            #expect(!second.body.contains("?after=web"))
            let cluster = try await browser.get("/console/clusters/default")
            #expect(cluster.body.contains(">svc-049</a>"))
            #expect(!cluster.body.contains(">svc-050</a>"))
            #expect(cluster.body.contains("Showing 50 of 105 services"))
        }
    }

    @Test("pages name the assets by version, and an asset asked for by its version may be kept")
    func cachesAssets() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.run { browser in
            let signIn = try await browser.get("/console/sign-in")
            let path = Assets.path("console.css")
            #expect(path.hasPrefix("/console/assets/console.css?v="))
            #expect(signIn.body.contains("href=\"\(path)\""))
            let versioned = try await browser.get(path)
            #expect(versioned.status == 200)
            #expect(versioned.headers[.cacheControl]?.contains("immutable") == true)
            let plain = try await browser.get("/console/assets/console.css")
            #expect(plain.headers[.cacheControl] == "no-cache")
        }
    }
}

/// A count shared by tasks.
final class Counter: Sendable {
    private let count = Atomic(0)

    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// What a stream wrote; it asks the stream to stop once the page's sections were sent.
final class StreamRecorder: Sendable {
    let stop = StopFlag()
    private let writes = Mutex([String]())

    func record(_ text: String) {
        writes.withLock { $0.append(text) }
        if text.hasPrefix("event: fragments") { stop.set() }
    }

    var text: String { writes.withLock { $0.joined() } }
}

struct RecordingWriter: ResponseBodyWriter {
    let recorder: StreamRecorder

    mutating func write(_ buffer: ByteBuffer) async throws { recorder.record(String(buffer: buffer)) }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
