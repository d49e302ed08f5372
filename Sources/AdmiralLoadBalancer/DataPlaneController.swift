import Logging
import NIOCore
import NIOPosix

/// Serializes ``LoadBalancerDataPlane/apply(_:)``: compiles a configuration, binds and
/// closes listeners, and keeps the runtimes of load balancers, target groups and health
/// checkers in step with it.
actor DataPlaneController {
    /// How long shutdown waits for requests in progress before closing their connections.
    static let shutdownGracePeriod: TimeAmount = .seconds(5)

    private struct BoundListener {
        let runtime: ListenerRuntime
        let channel: any Channel
        var listenerID: String
    }

    /// A listener socket is identified by its address and port, so a listener replaced by
    /// another on the same port keeps the socket; port 0 (any free port, for tests) is
    /// identified by the listener's id as well.
    private struct EndpointKey: Hashable {
        let address: String
        let port: Int
        let ephemeralListenerID: String?

        init(_ listener: ListenerConfiguration) {
            address = listener.address
            port = listener.port
            ephemeralListenerID = listener.port == 0 ? listener.id : nil
        }
    }

    private let core: DataPlaneCore
    private var listeners: [EndpointKey: BoundListener] = [:]
    private var loadBalancers: [String: LoadBalancerRuntime] = [:]
    private var targetGroups: [String: TargetGroupRuntime] = [:]
    private var checkers: [String: HealthChecker] = [:]
    private var isShutDown = false

    init(core: DataPlaneCore) {
        self.core = core
    }

    func apply(_ configuration: DataPlaneConfiguration) async throws -> LoadBalancerDataPlane.Published {
        guard !isShutDown else {
            throw LoadBalancerError(.shutDown, "The load balancer data plane was shut down; create a new one.")
        }
        try configuration.validate()

        // Which load balancers use each target group (a group no listener uses is `unused`).
        var users: [String: Set<String>] = [:]
        for listener in configuration.listeners {
            for action in [listener.defaultAction] + listener.rules.map(\.action) {
                if case .forward(let forward) = action {
                    for group in forward.targetGroups { users[group.id, default: []].insert(listener.loadBalancerID) }
                }
            }
        }

        // Runtimes: reuse what exists (counters and health survive), create what is new.
        var newLoadBalancers: [String: LoadBalancerRuntime] = [:]
        for loadBalancer in configuration.loadBalancers {
            newLoadBalancers[loadBalancer.id] =
                loadBalancers[loadBalancer.id] ?? LoadBalancerRuntime(id: loadBalancer.id)
        }
        var newGroups: [String: TargetGroupRuntime] = [:]
        for group in configuration.targetGroups {
            if let existing = targetGroups[group.id] {
                newGroups[group.id] = existing
            } else {
                // Created empty; its targets are registered once nothing can fail any more.
                newGroups[group.id] = TargetGroupRuntime(
                    configuration: TargetGroupConfiguration(
                        id: group.id, port: group.port, healthCheck: group.healthCheck, attributes: group.attributes),
                    loadBalancerIDs: [], core: core)
            }
        }

        // Compile every listener's rules.
        let idleTimeouts = Dictionary(
            uniqueKeysWithValues: configuration.loadBalancers.map { ($0.id, TimeAmount($0.idleTimeout)) })
        var tables: [(ListenerConfiguration, RoutingTable)] = []
        func compileTable(_ listener: ListenerConfiguration, port: Int) throws -> RoutingTable {
            guard let loadBalancer = newLoadBalancers[listener.loadBalancerID] else {
                throw LoadBalancerError(
                    .unknownReference,
                    "Listener \(listener.id) names load balancer \(listener.loadBalancerID), which is not in the configuration."
                )
            }
            return try compile(
                listener, port: port, loadBalancer: loadBalancer,
                idleTimeout: idleTimeouts[listener.loadBalancerID] ?? .seconds(60), groups: newGroups)
        }
        for listener in configuration.listeners {
            tables.append((listener, try compileTable(listener, port: listener.port)))
        }

        // Bind the listeners that are new; on failure undo those binds and change nothing.
        var bound: [EndpointKey: BoundListener] = [:]
        for (listener, table) in tables {
            let key = EndpointKey(listener)
            guard listeners[key] == nil else { continue }
            do {
                let runtime = ListenerRuntime(address: listener.address, port: listener.port, table: table)
                let channel = try await bind(runtime, listenerID: listener.id)
                bound[key] = BoundListener(runtime: runtime, channel: channel, listenerID: listener.id)
            } catch {
                for listener in bound.values {
                    listener.runtime.closeConnections()
                    try? await listener.channel.close()
                }
                throw error
            }
        }

        // From here on nothing fails: swap the state.
        var liveKeys: Set<EndpointKey> = []
        for (listener, table) in tables {
            let key = EndpointKey(listener)
            liveKeys.insert(key)
            if let newlyBound = bound[key] {
                listeners[key] = newlyBound
            } else {
                listeners[key]?.listenerID = listener.id
            }
            guard let current = listeners[key] else { continue }
            if listener.port == 0 {
                // A listener on any free port: its rules (X-Forwarded-Port, redirects) see the real one.
                let port = current.channel.localAddress?.port ?? 0
                current.runtime.install((try? compileTable(listener, port: port)) ?? table)
            } else if bound[key] == nil {
                current.runtime.install(table)
            }
        }
        for (key, listener) in listeners where !liveKeys.contains(key) {
            listeners[key] = nil
            core.logger.info(
                "Closing listener",
                metadata: ["listener": "\(listener.listenerID)", "address": "\(key.address):\(key.port)"])
            listener.runtime.closeConnections()
            try? await listener.channel.close()
        }

        for group in configuration.targetGroups {
            guard let runtime = newGroups[group.id] else { continue }
            let usedBy = users[group.id].map { $0.sorted() } ?? []
            runtime.apply(group, loadBalancerIDs: usedBy)
            if !usedBy.isEmpty, group.healthCheck.enabled {
                let checker =
                    checkers[group.id] ?? HealthChecker(group: runtime, eventLoop: core.eventLoopGroup.next())
                checkers[group.id] = checker
                // The matcher was validated above, so this does not throw.
                try? checker.start(settings: group.healthCheck)
            } else if let checker = checkers.removeValue(forKey: group.id) {
                checker.stop()
            }
        }
        for (id, runtime) in targetGroups where newGroups[id] == nil {
            checkers.removeValue(forKey: id)?.stop()
            runtime.remove()
        }
        targetGroups = newGroups
        loadBalancers = newLoadBalancers

        var addresses: [String: SocketAddress] = [:]
        for listener in listeners.values {
            if let address = listener.channel.localAddress { addresses[listener.listenerID] = address }
        }
        return LoadBalancerDataPlane.Published(
            loadBalancers: loadBalancers, targetGroups: targetGroups, listenerAddresses: addresses)
    }

    func shutdown() async {
        guard !isShutDown else { return }
        isShutDown = true
        for checker in checkers.values { checker.stop() }
        checkers = [:]
        let closing = Array(listeners.values)
        listeners = [:]
        for listener in closing {
            try? await listener.channel.close()
            listener.runtime.closeConnections()
        }
        // Let requests in progress finish, for a while.
        let deadline = NIODeadline.now() + Self.shutdownGracePeriod
        while closing.contains(where: { $0.runtime.connectionCount > 0 }), NIODeadline.now() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for listener in closing {
            listener.runtime.closeConnections()
        }
        for runtime in targetGroups.values { runtime.remove() }
        targetGroups = [:]
        loadBalancers = [:]
        for context in core.loops {
            try? await context.eventLoop.submit { context.closeAllIdle() }.get()
        }
    }

    // MARK: - Compiling

    private func compile(
        _ listener: ListenerConfiguration, port: Int, loadBalancer: LoadBalancerRuntime, idleTimeout: TimeAmount,
        groups: [String: TargetGroupRuntime]
    ) throws -> RoutingTable {
        let rules = try listener.rules.map { rule in
            RoutingTable.Rule(
                id: rule.id, priority: rule.priority,
                conditions: try rule.conditions.map { try CompiledCondition($0, rule: rule.id) },
                action: try compile(rule.action, groups: groups))
        }
        return RoutingTable(
            listenerID: listener.id, port: port, loadBalancer: loadBalancer, idleTimeout: idleTimeout,
            rules: rules, defaultAction: try compile(listener.defaultAction, groups: groups))
    }

    private func compile(_ action: RuleAction, groups: [String: TargetGroupRuntime]) throws -> RoutingTable.Action {
        switch action {
        case .forward(let forward):
            let weighted = try forward.targetGroups.map { member -> (TargetGroupRuntime, Int) in
                guard let runtime = groups[member.id] else {
                    throw LoadBalancerError(
                        .unknownReference,
                        "A forward action names target group \(member.id), which is not in the configuration.")
                }
                return (runtime, member.weight)
            }
            return .forward(ForwardPlan(groups: weighted, stickiness: forward.stickinessDuration))
        case .fixedResponse(let fixed):
            return .fixed(LocalResponse(fixed: fixed))
        case .redirect(let redirect):
            return .redirect(RedirectBuilder(action: redirect))
        }
    }

    // MARK: - Binding

    private func bind(_ runtime: ListenerRuntime, listenerID: String) async throws -> any Channel {
        let core = self.core
        let bootstrap = ServerBootstrap(group: core.eventLoopGroup)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Accept up to this many connections per readiness event.
            .serverChannelOption(.maxMessagesPerRead, value: 64)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                do {
                    try channel.pipeline.syncOperations.addHandler(
                        FrontendHandler(listener: runtime, loop: core.context(for: channel.eventLoop)))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        do {
            let channel = try await bootstrap.bind(host: runtime.address, port: runtime.port).get()
            core.logger.info(
                "Listener bound",
                metadata: ["listener": "\(listenerID)", "address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
            return channel
        } catch {
            throw LoadBalancerError(
                .listenerBindFailed,
                "Listener \(listenerID) could not bind \(runtime.address):\(runtime.port): \(error). Free that port or choose another one.",
                listenerID: listenerID)
        }
    }
}
