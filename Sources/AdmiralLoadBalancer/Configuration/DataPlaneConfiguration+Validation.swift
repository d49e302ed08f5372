import NIOCore

extension DataPlaneConfiguration {
    /// Content types a fixed response may declare (ALB's list).
    static let fixedResponseContentTypes: Set<String> = [
        "text/plain", "text/css", "text/html", "application/javascript", "application/json",
    ]

    /// Checks what the data plane needs to serve this configuration: references resolve,
    /// ids and listener addresses are unique, values are well formed. ALB's quotas and
    /// ranges (priorities up to 50000, thresholds 2-10...) are the API's to enforce.
    func validate() throws {
        func fail(_ code: LoadBalancerError.Code, _ message: String) -> LoadBalancerError {
            LoadBalancerError(code, message)
        }
        var loadBalancerIDs = Set<String>()
        for loadBalancer in loadBalancers {
            guard loadBalancerIDs.insert(loadBalancer.id).inserted else {
                throw fail(.duplicate, "Load balancer \(loadBalancer.id) appears twice in the configuration.")
            }
            guard loadBalancer.idleTimeout > .zero else {
                throw fail(
                    .invalidConfiguration, "Load balancer \(loadBalancer.id): the idle timeout must be positive.")
            }
        }
        var groupIDs = Set<String>()
        for group in targetGroups {
            guard groupIDs.insert(group.id).inserted else {
                throw fail(.duplicate, "Target group \(group.id) appears twice in the configuration.")
            }
            try group.validate()
        }
        var listenerIDs = Set<String>()
        var endpoints = Set<String>()
        for listener in listeners {
            guard listenerIDs.insert(listener.id).inserted else {
                throw fail(.duplicate, "Listener \(listener.id) appears twice in the configuration.")
            }
            guard loadBalancerIDs.contains(listener.loadBalancerID) else {
                throw fail(
                    .unknownReference,
                    "Listener \(listener.id) belongs to load balancer \(listener.loadBalancerID), which is not in the configuration."
                )
            }
            guard (0...65535).contains(listener.port) else {
                throw fail(.invalidConfiguration, "Listener \(listener.id): port \(listener.port) is not in 1-65535.")
            }
            guard (try? SocketAddress(ipAddress: listener.address, port: 0)) != nil else {
                throw fail(
                    .invalidConfiguration,
                    "Listener \(listener.id): '\(listener.address)' is not an IP address to bind, such as 127.0.0.1.")
            }
            if listener.port != 0 {
                guard endpoints.insert("\(listener.address):\(listener.port)").inserted else {
                    throw fail(
                        .duplicate, "Two listeners use \(listener.address):\(listener.port); each needs its own port.")
                }
            }
            var priorities = Set<Int>()
            for rule in listener.rules {
                guard priorities.insert(rule.priority).inserted else {
                    throw fail(
                        .duplicate, "Listener \(listener.id) has two rules with priority \(rule.priority).")
                }
                try Self.validate(rule.action, in: "rule \(rule.id)", groups: groupIDs)
            }
            try Self.validate(
                listener.defaultAction, in: "the default action of listener \(listener.id)", groups: groupIDs)
        }
    }

    private static func validate(_ action: RuleAction, in place: String, groups: Set<String>) throws {
        switch action {
        case .forward(let forward):
            guard !forward.targetGroups.isEmpty else {
                throw LoadBalancerError(.invalidConfiguration, "The forward action of \(place) names no target group.")
            }
            for group in forward.targetGroups {
                guard groups.contains(group.id) else {
                    throw LoadBalancerError(
                        .unknownReference,
                        "The forward action of \(place) names target group \(group.id), which is not in the configuration."
                    )
                }
                guard (0...999).contains(group.weight) else {
                    throw LoadBalancerError(
                        .invalidConfiguration, "The forward action of \(place): weight \(group.weight) is not in 0-999."
                    )
                }
            }
            if let duration = forward.stickinessDuration, duration <= .zero {
                throw LoadBalancerError(
                    .invalidConfiguration, "The forward action of \(place): the stickiness duration must be positive.")
            }
        case .fixedResponse(let fixed):
            let code = fixed.statusCode
            guard (200...299).contains(code) || (400...599).contains(code) else {
                throw LoadBalancerError(
                    .invalidConfiguration,
                    "The fixed response of \(place): status \(code) is not a 2XX, 4XX or 5XX code.")
            }
            if let type = fixed.contentType, !fixedResponseContentTypes.contains(type) {
                throw LoadBalancerError(
                    .invalidConfiguration,
                    "The fixed response of \(place): content type '\(type)' is not one of \(fixedResponseContentTypes.sorted().joined(separator: ", "))."
                )
            }
            if let body = fixed.messageBody, body.count > 1024 {
                throw LoadBalancerError(
                    .invalidConfiguration, "The fixed response of \(place): the body is longer than 1024 characters.")
            }
        case .redirect(let redirect):
            if let proto = redirect.protocol, !["HTTP", "HTTPS", "#{PROTOCOL}"].contains(proto.uppercased()) {
                throw LoadBalancerError(
                    .invalidConfiguration,
                    "The redirect of \(place): protocol '\(proto)' is not HTTP, HTTPS or #{protocol}.")
            }
            for component in [redirect.protocol, redirect.host, redirect.port, redirect.path, redirect.query] {
                guard let component else { continue }
                if component.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                    throw LoadBalancerError(
                        .invalidConfiguration,
                        "The redirect of \(place): '\(component)' contains control characters, which a Location header cannot carry."
                    )
                }
            }
            if let path = redirect.path, !path.hasPrefix("/") {
                throw LoadBalancerError(
                    .invalidConfiguration, "The redirect of \(place): the path '\(path)' must start with '/'.")
            }
        }
    }
}

extension TargetGroupConfiguration {
    func validate() throws {
        func invalid(_ message: String) -> LoadBalancerError {
            LoadBalancerError(.invalidConfiguration, "Target group \(id): \(message)")
        }
        guard (1...65535).contains(port) else { throw invalid("port \(port) is not in 1-65535.") }
        let check = healthCheck
        _ = try HealthCodeMatcher(check.matcher)
        guard check.path.hasPrefix("/") else { throw invalid("the health check path must start with '/'.") }
        if case .port(let port) = check.port, !(1...65535).contains(port) {
            throw invalid("health check port \(port) is not in 1-65535.")
        }
        guard check.interval > .zero, check.timeout > .zero else {
            throw invalid("the health check interval and timeout must be positive.")
        }
        guard check.healthyThreshold >= 1, check.unhealthyThreshold >= 1 else {
            throw invalid("the health check thresholds must be at least 1.")
        }
        guard attributes.deregistrationDelay >= .zero, attributes.slowStartDuration >= .zero else {
            throw invalid("the deregistration delay and slow start duration cannot be negative.")
        }
        if let duration = attributes.stickinessDuration, duration <= .zero {
            throw invalid("the stickiness cookie duration must be positive.")
        }
        for target in targets {
            guard (1...65535).contains(target.port), !target.host.isEmpty else {
                throw invalid("target \(target) needs a host and a port in 1-65535.")
            }
        }
    }
}
