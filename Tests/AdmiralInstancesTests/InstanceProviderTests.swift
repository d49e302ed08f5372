import AdmiralControlPlane
import Foundation
import Logging
import Testing

@testable import AdmiralInstances

/// A scratch folder removed at the end of a test.
struct ScratchFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("instances-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func script(_ name: String, _ body: String) throws -> String {
        // Written through a close-on-exec descriptor, so that a process another test
        // spawns meanwhile does not hold it open for writing (exec would fail, ETXTBSY).
        let file = (path as NSString).appendingPathComponent(name)
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        let bytes = Array(("#!/bin/sh\n" + body).utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

func launchRequest(_ instanceId: String = "i-0123456789abcdef0", ecsConfig: [String: String] = [:])
    -> InstanceLaunchRequest
{
    InstanceLaunchRequest(
        instanceId: instanceId, imageId: "ami-admiral", instanceType: "t3.small", availabilityZone: "us-east-1b",
        subnetId: "subnet-1", privateIpAddress: "172.31.16.5", userData: "#!/bin/bash\n", ecsConfig: ecsConfig,
        endpoint: "http://127.0.0.1:1", accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", cpu: 2048,
        memory: 2048)
}

@Suite struct ECSUserDataTests {
    @Test func readsTheLinesTheAMIWritesToEcsConfig() {
        let userData = """
            #!/bin/bash
            echo ECS_CLUSTER=web >> /etc/ecs/ecs.config
            echo "ECS_RESERVED_MEMORY=256" >> /etc/ecs/ecs.config
            cat <<'EOF' >> /etc/ecs/ecs.config
            ECS_INSTANCE_ATTRIBUTES={"stack":"prod"}
            EOF
            # ECS_CLUSTER=commented
            export ECS_ENABLE_TASK_IAM_ROLE=true
            yum install -y something
            """
        #expect(
            ECSUserData.settings(in: userData) == [
                "ECS_CLUSTER": "web", "ECS_RESERVED_MEMORY": "256", "ECS_INSTANCE_ATTRIBUTES": #"{"stack":"prod"}"#,
                "ECS_ENABLE_TASK_IAM_ROLE": "true",
            ])
    }

    @Test func anInstanceWithoutECSClusterJoinsDefault() {
        #expect(launchRequest().cluster == "default")
        #expect(launchRequest(ecsConfig: ["ECS_CLUSTER": "  "]).cluster == "default")
        #expect(launchRequest(ecsConfig: ["ECS_CLUSTER": "web"]).cluster == "web")
    }
}

@Suite struct CommandInstanceProviderTests {
    @Test func launchAndTerminateGetTheInstanceAsJSONOnStandardInput() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let launched = (scratch.path as NSString).appendingPathComponent("launched.json")
        let terminated = (scratch.path as NSString).appendingPathComponent("terminated.json")
        let provider = CommandInstanceProvider(
            launchCommand: try scratch.script("launch", "cat > \(launched)\n"),
            terminateCommand: try scratch.script("terminate", "cat > \(terminated)\n"),
            root: (scratch.path as NSString).appendingPathComponent("instances"), logger: Logger(label: "test"))
        let request = launchRequest(ecsConfig: ["ECS_CLUSTER": "web"])
        try await provider.launch(request)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: launched))) as? [String: Any])
        #expect(object["instanceId"] as? String == request.instanceId)
        #expect(object["availabilityZone"] as? String == "us-east-1b")
        #expect(object["userData"] as? String == "#!/bin/bash\n")
        #expect((object["ecsConfig"] as? [String: String]) == ["ECS_CLUSTER": "web"])
        #expect(object["secretAccessKey"] as? String == "secret")
        #expect(await provider.hostState(instanceId: request.instanceId) == .running)
        try await provider.terminate(instanceId: request.instanceId)
        let again = try JSONDecoder().decode(
            InstanceLaunchRequest.self, from: Data(contentsOf: URL(fileURLWithPath: terminated)))
        #expect(again == request)
    }

    @Test func aLaunchThatLeavesAHostRunningInTheBackgroundReturns() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let pidFile = (scratch.path as NSString).appendingPathComponent("pid")
        let provider = CommandInstanceProvider(
            launchCommand: try scratch.script("launch", "cat >/dev/null\nsetsid sleep 600 </dev/null >/dev/null 2>&1 &\necho $! > \(pidFile)\n"),
            terminateCommand: try scratch.script("terminate", "kill $(cat \(pidFile))\n"),
            root: (scratch.path as NSString).appendingPathComponent("instances"), logger: Logger(label: "test"))
        try await provider.launch(launchRequest())
        // The launch returned while the host it left behind still runs: it did not wait for it.
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == 0)
        try await provider.terminate(instanceId: "i-0123456789abcdef0")
    }

    @Test func aFailedLaunchCarriesTheLastLineOfStandardError() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let provider = CommandInstanceProvider(
            launchCommand: try scratch.script("launch", "echo starting >&2\necho 'no capacity in pool' >&2\nexit 3\n"),
            terminateCommand: try scratch.script("terminate", "exit 1\n"),
            root: (scratch.path as NSString).appendingPathComponent("instances"), logger: Logger(label: "test"))
        await #expect(throws: InstanceLaunchError.self) { try await provider.launch(launchRequest()) }
        do {
            try await provider.launch(launchRequest())
        } catch let error as InstanceLaunchError {
            #expect(error.reason == "no capacity in pool")
        }
        // A terminate command that fails is reported, so that it is retried.
        await #expect(throws: InstanceLaunchError.self) { try await provider.terminate(instanceId: "i-0123456789abcdef0") }
    }
}

@Suite struct ProcessInstanceProviderTests {
    @Test func anAgentProcessIsAChildWhoseExitFailsTheStatusChecks() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let arguments = (scratch.path as NSString).appendingPathComponent("arguments")
        let environment = (scratch.path as NSString).appendingPathComponent("environment")
        let binary = try scratch.script(
            "admiral", "echo \"$@\" > \(arguments)\nenv > \(environment)\nexec sleep 30\n")
        let provider = ProcessInstanceProvider(
            binary: binary, root: (scratch.path as NSString).appendingPathComponent("instances"),
            dockerHost: "unix:///nonexistent.sock", region: "us-east-1", logger: Logger(label: "test"),
            stopGrace: .seconds(2))
        let request = launchRequest(ecsConfig: ["ECS_CLUSTER": "web", "ECS_RESERVED_MEMORY": "128"])
        try await provider.launch(request)
        #expect(await provider.hostState(instanceId: request.instanceId) == .running)
        let folder = (scratch.path as NSString).appendingPathComponent("instances/\(request.instanceId)")
        let config = try String(contentsOfFile: folder + "/ecs.config", encoding: .utf8)
        #expect(config == "ECS_CLUSTER=web\nECS_RESERVED_MEMORY=128\n")
        // The script writes what it was given as it starts, which may be after the launch returned.
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: environment), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(50))
        let argv = try String(contentsOfFile: arguments, encoding: .utf8)
        #expect(argv.hasPrefix("agent --endpoint http://127.0.0.1:1 --data-dir \(folder)/agent --config"))
        #expect(argv.contains("--availability-zone us-east-1b --instance-type t3.small --cpu 2048 --memory 2048"))
        #expect(!argv.contains("secret"))
        let env = try String(contentsOfFile: environment, encoding: .utf8)
        #expect(env.contains("AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n"))
        #expect(env.contains("AWS_SECRET_ACCESS_KEY=secret\n"))

        try await provider.terminate(instanceId: request.instanceId)
        #expect(!FileManager.default.fileExists(atPath: folder))
        if case .running = await provider.hostState(instanceId: request.instanceId) {
            Issue.record("a terminated instance's host is gone")
        }
    }

    @Test func anAgentThatExitsAtOnceFailsWithItsLastWords() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let binary = try scratch.script("admiral", "echo 'Error: --memory must be positive.' >&2\nexit 64\n")
        let provider = ProcessInstanceProvider(
            binary: binary, root: (scratch.path as NSString).appendingPathComponent("instances"),
            dockerHost: "unix:///nonexistent.sock", region: "us-east-1", logger: Logger(label: "test"))
        do {
            try await provider.launch(launchRequest())
            // On a busy machine the exit may come after the launch returned: then the
            // instance's status checks fail with the same words.
            let deadline = ContinuousClock.now + .seconds(20)
            while await provider.hostState(instanceId: "i-0123456789abcdef0") == .running,
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(
                await provider.hostState(instanceId: "i-0123456789abcdef0")
                    == .gone(
                        reason: "the instance's agent process exited with status 64: Error: --memory must be positive."))
        } catch let error as InstanceLaunchError {
            #expect(error.reason == "Error: --memory must be positive.")
        }
    }

    @Test func anAgentThatDiesLaterIsGone() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        // The agent exits once the test says so, after its launch was reported.
        let release = (scratch.path as NSString).appendingPathComponent("release")
        let binary = try scratch.script("admiral", "while [ ! -f \(release) ]; do sleep 0.05; done\nexit 0\n")
        let provider = ProcessInstanceProvider(
            binary: binary, root: (scratch.path as NSString).appendingPathComponent("instances"),
            dockerHost: "unix:///nonexistent.sock", region: "us-east-1", logger: Logger(label: "test"))
        try await provider.launch(launchRequest())
        #expect(await provider.hostState(instanceId: "i-0123456789abcdef0") == .running)
        #expect(FileManager.default.createFile(atPath: release, contents: nil))
        let deadline = ContinuousClock.now + .seconds(20)
        while await provider.hostState(instanceId: "i-0123456789abcdef0") == .running, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(
            await provider.hostState(instanceId: "i-0123456789abcdef0")
                == .gone(reason: "the instance's agent process exited with status 0"))
        _ = release
    }
}
