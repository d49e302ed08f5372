import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Drives each EC2 instance's lifecycle through the `InstanceProvider`:
///
/// - pending → `provider.launch` → running; a launch that throws `InstanceLaunchError`
///   ends the instance in terminated with `Server.InternalError` and the error's reason;
/// - shutting-down → `provider.terminate` (retried until it succeeds) → terminated;
/// - running: `provider.hostState` every `hostCheckInterval`, kept on the record for
///   DescribeInstanceStatus;
/// - terminated instances are forgotten after the service's retention.
///
/// It grants each instance's keys in `InstanceCredentials` before its launch, and at
/// start for every live instance (after `provider.resume` with the pending and running
/// ones), and revokes them at termination.
public struct InstanceController: Service {
    /// How the controller paces itself.
    public struct Settings: Sendable {
        /// How long the controller waits for a wake-up before looking anyway.
        public var tick: Duration
        /// How often the hosts of running instances are checked (EC2's status checks).
        public var hostCheckInterval: Duration
        /// How long a failed terminate waits before it is tried again.
        public var terminateRetry: Duration

        public init(
            tick: Duration = .seconds(1), hostCheckInterval: Duration = .seconds(5),
            terminateRetry: Duration = .seconds(2)
        ) {
            self.tick = tick
            self.hostCheckInterval = hostCheckInterval
            self.terminateRetry = terminateRetry
        }
    }

    let ec2: EC2Service
    let provider: any InstanceProvider
    let credentials: InstanceCredentials
    let endpoint: ServerEndpoint
    let settings: Settings
    let logger: Logger
    /// When the controller was made (at server start): instances launched before it are
    /// resumed, those launched since are launched.
    let createdAt = Date()
    /// Called once an instance is terminated, with its cluster (what ECS does then: its
    /// container instance is deregistered and its tasks stop).
    let onTerminated: @Sendable (_ instanceId: String, _ cluster: String) async -> Void

    public init(
        ec2: EC2Service, provider: any InstanceProvider, credentials: InstanceCredentials, endpoint: ServerEndpoint,
        settings: Settings = Settings(), logger: Logger,
        onTerminated: @escaping @Sendable (_ instanceId: String, _ cluster: String) async -> Void = { _, _ in }
    ) {
        self.onTerminated = onTerminated
        self.ec2 = ec2
        self.provider = provider
        self.credentials = credentials
        self.endpoint = endpoint
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.loop()
        }
    }

    func loop() async {
        while !Task.isCancelled {
            do {
                try await resume()
                break
            } catch {
                logger.error("instance resume failed", metadata: ["error": .string("\(error)")])
                try? await Task.sleep(for: settings.tick)
            }
        }
        let busy = BusyInstances()
        await withDiscardingTaskGroup { group in
            var lastHostCheck = ContinuousClock.now
            while !Task.isCancelled {
                do {
                    let state = try await ec2.state()
                    for instance in state.instances.values.sorted(by: { $0.instanceId < $1.instanceId }) {
                        let id = instance.instanceId
                        guard instance.state == .pending || instance.state == .shuttingDown else { continue }
                        guard busy.claim(id) else { continue }
                        group.addTask {
                            if instance.state == .pending {
                                await launch(instance)
                            } else {
                                await terminate(instance)
                            }
                            busy.release(id)
                        }
                    }
                    if ContinuousClock.now - lastHostCheck >= settings.hostCheckInterval {
                        lastHostCheck = ContinuousClock.now
                        try await checkHosts(state)
                    }
                    try await purge(state)
                } catch  where Task.isCancelled {
                    break
                } catch {
                    logger.error("instance pass failed", metadata: ["error": .string("\(error)")])
                }
                await ec2.wakeups.wait(timeout: settings.tick)
            }
        }
    }

    /// What the provider gets for an instance.
    func launchRequest(_ instance: InstanceRecord) -> InstanceLaunchRequest {
        let userData = instance.userData.flatMap { Data(base64Encoded: $0) }.flatMap {
            String(data: $0, encoding: .utf8)
        }
        let type = EC2Catalogue.instanceTypesByName[instance.instanceType]
        return InstanceLaunchRequest(
            instanceId: instance.instanceId, imageId: instance.imageId, instanceType: instance.instanceType,
            availabilityZone: instance.availabilityZone, subnetId: instance.subnetId,
            privateIpAddress: instance.privateIpAddress, userData: userData,
            ecsConfig: userData.map(ECSUserData.settings(in:)) ?? [:], endpoint: endpoint.url,
            accessKeyId: instance.accessKeyId, secretAccessKey: instance.secretAccessKey,
            cpu: type?.cpuUnits ?? 2048, memory: type?.memoryMiB ?? 4096)
    }

    /// Grants an instance's keys; its container instance registers with what its record
    /// says (zone, type, image, the Auto Scaling group that launched it).
    func grant(_ request: InstanceLaunchRequest, tags: [String: String]) {
        credentials.grant(
            InstanceCredentials.Grant(
                instanceId: request.instanceId, accessKeyId: request.accessKeyId,
                secretAccessKey: request.secretAccessKey, cluster: request.cluster,
                availabilityZone: request.availabilityZone, instanceType: request.instanceType,
                imageId: request.imageId, autoScalingGroupName: tags["aws:autoscaling:groupName"]))
    }

    /// At start: grants every live instance's keys, hands the pending and running ones
    /// (launched before the controller was made) to the provider, and marks the pending
    /// ones running.
    func resume() async throws {
        let state = try await ec2.state()
        let live = state.instances.values
            .filter { ($0.state == .pending || $0.state == .running) && $0.launchTime <= createdAt }
            .sorted { $0.instanceId < $1.instanceId }
        let requests = live.map(launchRequest)
        for instance in live { grant(launchRequest(instance), tags: instance.tags) }
        for instance in state.instances.values where instance.state == .shuttingDown {
            grant(launchRequest(instance), tags: instance.tags)
        }
        guard !requests.isEmpty else { return }
        logger.info("resuming instances", metadata: ["instances": .stringConvertible(requests.count)])
        await provider.resume(requests)
        let pending = Set(live.filter { $0.state == .pending }.map(\.instanceId))
        try await ec2.store.update { state in
            for id in pending where state.instances[id]?.state == .pending {
                state.instances[id]?.state = .running
            }
        }
    }

    func launch(_ instance: InstanceRecord) async {
        let request = launchRequest(instance)
        grant(request, tags: instance.tags)
        let id = instance.instanceId
        let outcome: String?
        do {
            try await provider.launch(request)
            outcome = nil
        } catch let error as InstanceLaunchError {
            outcome = error.reason
        } catch {
            outcome = "\(error)"
        }
        let now = Date()
        // A failed launch's keys go before it is reported terminated.
        if outcome != nil { credentials.revoke(instanceId: id) }
        do {
            let ended = try await ec2.store.update { state -> Bool in
                guard var record = state.instances[id] else { return true }
                if let outcome {
                    guard record.state < .terminated else { return true }
                    record.state = .terminated
                    record.terminatedAt = now
                    record.stateReasonCode = "Server.InternalError"
                    record.stateReasonMessage = "Server.InternalError: \(outcome)"
                    record.stateTransitionReason = "Server error (\(EC2Service.gmt(now)))"
                    state.instances[id] = record
                    return true
                }
                if record.state == .pending {
                    record.state = .running
                    state.instances[id] = record
                }
                return false
            }
            if let outcome {
                logger.warning(
                    "instance launch failed", metadata: ["instance.id": .string(id), "reason": .string(outcome)])
            } else {
                logger.info("instance running", metadata: ["instance.id": .string(id)])
            }
            if ended { credentials.revoke(instanceId: id) }
            // A terminate that arrived while launching is taken up on the next pass.
            ec2.wakeups.signal()
        } catch {
            logger.error(
                "instance state not saved", metadata: ["instance.id": .string(id), "error": .string("\(error)")])
        }
    }

    func terminate(_ instance: InstanceRecord) async {
        let id = instance.instanceId
        do {
            try await provider.terminate(instanceId: id)
        } catch {
            logger.warning(
                "instance terminate failed", metadata: ["instance.id": .string(id), "error": .string("\(error)")])
            try? await Task.sleep(for: settings.terminateRetry)
            return
        }
        let now = Date()
        // Its keys go before it is reported terminated: nothing may call as it afterwards.
        credentials.revoke(instanceId: id)
        do {
            try await ec2.store.update { state in
                guard var record = state.instances[id], record.state == .shuttingDown else { return }
                record.state = .terminated
                record.terminatedAt = now
                state.instances[id] = record
            }
            logger.info("instance terminated", metadata: ["instance.id": .string(id)])
            await onTerminated(id, launchRequest(instance).cluster)
        } catch {
            logger.error(
                "instance state not saved", metadata: ["instance.id": .string(id), "error": .string("\(error)")])
        }
    }

    /// Asks the provider about every running instance's host and records changes.
    func checkHosts(_ state: EC2State) async throws {
        var changes: [String: String?] = [:]
        for instance in state.instances.values where instance.state == .running {
            let reason: String? =
                switch await provider.hostState(instanceId: instance.instanceId) {
                case .running: nil
                case .gone(let reason): reason
                }
            if reason != instance.hostGoneReason { changes[instance.instanceId] = reason }
        }
        guard !changes.isEmpty else { return }
        let updates = changes
        try await ec2.store.update { state in
            for (id, reason) in updates where state.instances[id]?.state == .running {
                state.instances[id]?.hostGoneReason = reason
            }
        }
    }

    /// Forgets terminated instances past the retention.
    func purge(_ state: EC2State) async throws {
        let now = Date()
        let expired = state.instances.values.filter { !ec2.visible($0, now: now) }.map(\.instanceId)
        guard !expired.isEmpty else { return }
        try await ec2.store.update { state in
            for id in expired { state.instances[id] = nil }
        }
    }
}

/// The instances a controller task is working on, so that a pass does not start a
/// second launch or terminate of the same instance.
final class BusyInstances: Sendable {
    private let ids = Mutex<Set<String>>([])

    func claim(_ id: String) -> Bool { ids.withLock { $0.insert(id).inserted } }

    func release(_ id: String) { ids.withLock { _ = $0.remove(id) } }
}

/// The server's own address, as instances reach it (`http://127.0.0.1:7700`). Set once
/// the API listens, since its port may be chosen then.
public final class ServerEndpoint: Sendable {
    private let value: Mutex<String>

    public init(_ url: String = "http://127.0.0.1:7700") {
        value = Mutex(url)
    }

    public var url: String {
        get { value.withLock { $0 } }
    }

    public func set(_ url: String) {
        value.withLock { $0 = url }
    }
}

/// The provider of a control plane that was given none: every launch fails, saying so.
public struct NoInstanceProvider: InstanceProvider {
    public init() {}
    public var kind: String { "none" }
    public func launch(_ request: InstanceLaunchRequest) async throws {
        throw InstanceLaunchError("This server has no instance provider; start it with --instance-provider.")
    }
    public func terminate(instanceId: String) async throws {}
    public func hostState(instanceId: String) async -> InstanceHostState { .gone(reason: "no instance provider") }
    public func resume(_ requests: [InstanceLaunchRequest]) async {}
}
