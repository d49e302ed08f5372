import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import DockerEngine

@Suite("Engine API wire format")
struct DockerWireFormatTests {
    private func json(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("ContainerConfig encodes with the Engine API's field names and leaves out nil fields")
    func containerConfigFieldNames() throws {
        let config = ContainerConfig(
            image: "admiral-test/busybox:latest",
            cmd: ["httpd", "-f"],
            entrypoint: [""],
            env: ["A=1"],
            labels: ["com.example.task": "t-1"],
            workingDir: "/www",
            user: "65534",
            hostname: "web",
            exposedPorts: ["80/tcp"],
            healthcheck: Healthcheck(test: ["CMD-SHELL", "true"], interval: .seconds(5), retries: 3),
            stopTimeout: 30,
            hostConfig: HostConfig(
                networkMode: "bridge",
                portBindings: ["80/tcp": [PortBinding(hostIP: "127.0.0.1", hostPort: "0")]],
                binds: ["/data:/data:ro"],
                links: ["db:db"],
                volumesFrom: ["other:ro"],
                memory: 268_435_456,
                memoryReservation: 134_217_728,
                cpuShares: 512,
                privileged: false,
                readonlyRootfs: true,
                extraHosts: ["db:10.0.0.2"],
                dns: ["10.0.0.53"],
                ulimits: [Ulimit(name: "nofile", soft: 1024, hard: 2048)],
                initProcess: true
            )
        )
        let object = try json(config)
        #expect(
            Set(object.keys) == [
                "Image", "Cmd", "Entrypoint", "Env", "Labels", "WorkingDir", "User", "Hostname", "ExposedPorts",
                "Healthcheck", "StopTimeout", "HostConfig",
            ]
        )
        #expect(object["Labels"] as? [String: String] == ["com.example.task": "t-1"])
        #expect((object["ExposedPorts"] as? [String: [String: String]])?["80/tcp"] == [:])
        let health = try #require(object["Healthcheck"] as? [String: Any])
        #expect(health["Test"] as? [String] == ["CMD-SHELL", "true"])
        #expect(health["Interval"] as? Int == 5_000_000_000)
        #expect(health["Retries"] as? Int == 3)
        #expect(health["Timeout"] == nil)
        let host = try #require(object["HostConfig"] as? [String: Any])
        #expect(
            Set(host.keys) == [
                "NetworkMode", "PortBindings", "Binds", "Links", "VolumesFrom", "Memory", "MemoryReservation",
                "CpuShares", "Privileged", "ReadonlyRootfs", "ExtraHosts", "Dns", "Ulimits", "Init",
            ]
        )
        let bindings = try #require(host["PortBindings"] as? [String: [[String: String]]])
        #expect(bindings["80/tcp"] == [["HostIp": "127.0.0.1", "HostPort": "0"]])
        let ulimits = try #require(host["Ulimits"] as? [[String: Any]])
        #expect(ulimits.first?["Name"] as? String == "nofile")
        #expect(ulimits.first?["Hard"] as? Int == 2048)
        #expect(host["Init"] as? Bool == true)
    }

    @Test("a minimal ContainerConfig sends only the image")
    func minimalConfig() throws {
        let object = try json(ContainerConfig(image: "x"))
        #expect(object.keys.sorted() == ["Image"])
        #expect(
            try json(Mount(type: "bind", source: "/a", target: "/b")).keys.sorted() == ["Source", "Target", "Type"])
    }

    @Test("a container event decodes with its actor, attributes and exit code")
    func eventDecoding() throws {
        let line = """
            {"status":"die","id":"abc123","from":"admiral-test/busybox:latest","Type":"container","Action":"die",\
            "Actor":{"ID":"abc123","Attributes":{"exitCode":"137","image":"admiral-test/busybox:latest",\
            "name":"web","admiral.task":"t-1"}},"scope":"local","time":1764093600,"timeNano":1764093600123456789}
            """
        let event = try DockerEventStream.AsyncIterator.decode(ByteBuffer(string: line))
        #expect(event.type == "container")
        #expect(event.action == "die")
        #expect(event.actor.id == "abc123")
        #expect(event.actor.attributes["admiral.task"] == "t-1")
        #expect(event.exitCode == 137)
        #expect(event.timeNano == 1_764_093_600_123_456_789)
        #expect(event.healthStatus == nil)

        let health = try DockerEventStream.AsyncIterator.decode(
            ByteBuffer(string: #"{"Type":"container","Action":"health_status: healthy","Actor":{"ID":"x"}}"#)
        )
        #expect(health.healthStatus == "healthy")
        #expect(health.actor.attributes.isEmpty)
        #expect(throws: DockerError.self) { try DockerEventStream.AsyncIterator.decode(ByteBuffer(string: "{")) }
    }

    @Test("inspect decodes state, health and published ports, including unpublished ones")
    func inspectDecoding() throws {
        let body = """
            {"Id":"c1","Name":"/web","State":{"Status":"running","Running":true,"OOMKilled":false,"Pid":42,\
            "ExitCode":0,"Error":"","StartedAt":"2026-11-25T18:00:00.123456789Z","FinishedAt":"0001-01-01T00:00:00Z",\
            "Health":{"Status":"healthy","FailingStreak":0,"Log":[]}},"Config":{"Labels":{"a":"b"}},\
            "NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"49153"}],"81/tcp":null}}}
            """
        let inspect = try JSONDecoder().decode(ContainerInspect.self, from: Data(body.utf8))
        #expect(inspect.state.health?.status == "healthy")
        #expect(inspect.state.pid == 42)
        #expect(inspect.networkSettings?.hostPort(for: "80/tcp") == 49153)
        #expect(inspect.networkSettings?.hostPort(for: "81/tcp") == nil)
        #expect(inspect.config?.labels == ["a": "b"])
    }

    @Test("a failing answer becomes a DockerError with the daemon's message and a code from the status")
    func errorAnswers() {
        let missing = DockerClient.error(
            status: .notFound, body: ByteBuffer(string: #"{"message":"No such container: x"}"#))
        #expect(missing == DockerError(.notFound, "No such container: x", statusCode: 404))
        #expect(DockerClient.error(status: .conflict, body: ByteBuffer()).code == .conflict)
        #expect(DockerClient.error(status: .internalServerError, body: ByteBuffer(string: "boom\n")).message == "boom")
    }

    @Test("pull progress decodes, and an error line in the stream throws the daemon's message")
    func pullProgressLines() throws {
        let line = #"{"status":"Downloading","id":"abc","progressDetail":{"current":10,"total":20}}"#
        let progress = try DockerClient.pullProgress(from: ByteBuffer(string: line))
        #expect(progress.status == "Downloading")
        #expect(progress.progressDetail?.total == 20)
        let failure = #"{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}"#
        let error = #expect(throws: DockerError.self) {
            try DockerClient.pullProgress(from: ByteBuffer(string: failure))
        }
        #expect(error == DockerError(.server, "manifest unknown"))
    }

    @Test("newline-delimited JSON is split into lines across chunk boundaries")
    func lineSplitting() {
        var splitter = JSONLineSplitter()
        splitter.append(ByteBuffer(string: "{\"a\":1}\n{\"b\""))
        #expect(splitter.nextLine().map { String(buffer: $0) } == "{\"a\":1}")
        #expect(splitter.nextLine() == nil)
        splitter.append(ByteBuffer(string: ":2}\r\n\n  \n{\"c\":3}"))
        #expect(splitter.nextLine().map { String(buffer: $0) } == "{\"b\":2}\r")
        #expect(splitter.nextLine() == nil)
        #expect(splitter.finish().map { String(buffer: $0) } == "{\"c\":3}")
        #expect(splitter.finish() == nil)
    }

    @Test("multiplexed logs are split into stdout and stderr; TTY logs are stdout")
    func logDemultiplexing() {
        var body = ByteBuffer()
        for (stream, text) in [(UInt8(1), "out 1\n"), (2, "err\n"), (1, "out 2\n")] {
            body.writeInteger(stream)
            body.writeBytes([0, 0, 0])
            body.writeInteger(UInt32(text.utf8.count), endianness: .big)
            body.writeString(text)
        }
        #expect(LogDemultiplexer.split(body) == ContainerLogs(stdout: "out 1\nout 2\n", stderr: "err\n"))
        #expect(LogDemultiplexer.split(ByteBuffer(string: "plain tty output\n")).stdout == "plain tty output\n")
        #expect(LogDemultiplexer.split(ByteBuffer()) == ContainerLogs(stdout: "", stderr: ""))
    }

    @Test("Docker hosts become percent-encoded http+unix URLs")
    func hostURLs() throws {
        #expect(
            try DockerClient.baseURL(forHost: "unix:///tmp/a b/docker.sock")
                == "http+unix://%2Ftmp%2Fa%20b%2Fdocker.sock")
        #expect(try DockerClient.baseURL(forHost: "/var/run/docker.sock") == "http+unix://%2Fvar%2Frun%2Fdocker.sock")
        #expect(try DockerClient.baseURL(forHost: "tcp://127.0.0.1:2375") == "http://127.0.0.1:2375")
        let error = #expect(throws: DockerError.self) { try DockerClient.baseURL(forHost: "ssh://host") }
        #expect(error?.code == .invalidArgument)
    }

    @Test("the API version is the lowest the daemon accepts, never below 1.41")
    func versionNegotiation() throws {
        #expect(try DockerClient.negotiate(server: "1.41", serverMinimum: "1.12") == "1.41")
        #expect(try DockerClient.negotiate(server: "1.50", serverMinimum: "1.24") == "1.41")
        #expect(try DockerClient.negotiate(server: "1.52", serverMinimum: "1.44") == "1.44")
        let error = #expect(throws: DockerError.self) { try DockerClient.negotiate(server: "1.40", serverMinimum: nil) }
        #expect(error?.code == .unsupportedVersion)
    }

    @Test("image references split into fromImage and tag")
    func references() {
        let cases: [(String, String, String?)] = [
            ("busybox", "busybox", "latest"),
            ("127.0.0.1:5000/a/b:v1", "127.0.0.1:5000/a/b", "v1"),
            ("127.0.0.1:5000/a/b", "127.0.0.1:5000/a/b", "latest"),
            ("a@sha256:00", "a@sha256:00", nil),
        ]
        for (reference, image, tag) in cases {
            let split = DockerClient.splitReference(reference)
            #expect(split.image == image, "\(reference)")
            #expect(split.tag == tag, "\(reference)")
        }
    }

    @Test("query values and path segments are percent-encoded")
    func queryEncoding() {
        let path = RequestPath("/containers/json", query: [("filters", #"{"label":["a=b c"]}"#), ("skip", nil)])
        #expect(path.encoded == "/containers/json?filters=%7B%22label%22%3A%5B%22a%3Db%20c%22%5D%7D")
        #expect(RequestPath.segment("admiral-test/busybox:latest") == "admiral-test/busybox:latest")
        #expect(RequestPath.segment("a b?") == "a%20b%3F")
    }
}
