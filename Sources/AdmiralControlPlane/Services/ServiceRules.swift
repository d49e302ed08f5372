import AdmiralModel
import AdmiralScheduler

/// ECS's rules for services: names, deployment configuration, what DAEMON services may
/// not have, and load balancers that must name a container port of the task definition.
enum ServiceRules {
    /// The most services DescribeServices takes.
    static let maximumDescribeCount = 10
    /// ListServices' default and largest page.
    static let defaultPageSize = 10
    static let maximumPageSize = 100
    /// The longest clientToken.
    static let maximumClientTokenLength = 36
    /// The longest health check grace period ECS accepts (seconds).
    static let maximumGracePeriod = 2_147_483_647
    /// The most tasks a service may want: ECS's quota of tasks per service. The service
    /// scheduler also holds a stored count to it, so that a count stored before the limit
    /// existed can never make it place (or reserve room for) billions of tasks.
    public static let maximumDesiredCount = 5_000

    static func validateDesiredCount(_ count: Int) throws {
        guard count >= 0 else {
            throw AdmiralError.invalidParameter("desiredCount must be 0 or more; \(count) was given.")
        }
        guard count <= maximumDesiredCount else {
            throw AdmiralError.invalidParameter(
                "desiredCount can be at most \(maximumDesiredCount), the quota of tasks per service; \(count) was given.")
        }
    }

    static func validateName(_ name: String) throws {
        guard NameRules.isValidResourceName(name) else {
            throw AdmiralError.invalidParameter(
                "Service name '\(name)' is invalid: use 1 to 255 letters, numbers, underscores and hyphens.")
        }
    }

    static func validateClientToken(_ token: String?) throws {
        guard let token else { return }
        guard (1...maximumClientTokenLength).contains(token.count),
            token.unicodeScalars.allSatisfy({ (33...126).contains($0.value) })
        else {
            throw AdmiralError.invalidParameter(
                "clientToken must be 1 to \(maximumClientTokenLength) ASCII characters in the range 33-126.")
        }
    }

    /// The deployment configuration with ECS's defaults filled in, checked.
    static func deploymentConfiguration(
        _ given: ECS.DeploymentConfiguration?, strategy: ECS.SchedulingStrategy, current: ECS.DeploymentConfiguration? = nil
    ) throws -> ECS.DeploymentConfiguration {
        var configuration = current ?? ECS.DeploymentConfiguration()
        if let given {
            if let breaker = given.deploymentCircuitBreaker { configuration.deploymentCircuitBreaker = breaker }
            if let maximum = given.maximumPercent { configuration.maximumPercent = maximum }
            if let minimum = given.minimumHealthyPercent { configuration.minimumHealthyPercent = minimum }
            if let alarms = given.alarms { configuration.alarms = alarms }
            if let strategy = given.strategy, strategy != .rolling {
                throw AdmiralError.invalidParameter(
                    "Admiral deploys services with rolling updates only; deployment strategy \(strategy.rawValue) is not available.")
            }
        }
        let isDaemon = strategy == .daemon
        let minimum = configuration.minimumHealthyPercent ?? (isDaemon ? 0 : 100)
        let maximum = configuration.maximumPercent ?? (isDaemon ? 100 : 200)
        guard (0...100).contains(minimum) else {
            throw AdmiralError.invalidParameter(
                "deploymentConfiguration.minimumHealthyPercent must be between 0 and 100; \(minimum) was given.")
        }
        if isDaemon, maximum > 100 {
            throw AdmiralError.invalidParameter(
                "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment "
                    + "configuration. Change the maximumPercent value to 100, and try again.")
        }
        guard maximum >= 100 || (isDaemon && maximum >= minimum) else {
            throw AdmiralError.invalidParameter(
                "deploymentConfiguration.maximumPercent must be at least 100; \(maximum) was given.")
        }
        configuration.minimumHealthyPercent = minimum
        configuration.maximumPercent = maximum
        if configuration.deploymentCircuitBreaker == nil {
            configuration.deploymentCircuitBreaker = ECS.DeploymentCircuitBreaker(enable: false, rollback: false)
        }
        return configuration
    }

    /// Checks a service's load balancers against its task definition: each names a target
    /// group, and a container of the definition with that container port.
    static func validateLoadBalancers(_ balancers: [ECS.LoadBalancer], definition: ECS.TaskDefinition) throws {
        guard balancers.count <= 5 else {
            throw AdmiralError.invalidParameter("A service can have at most 5 load balancers; \(balancers.count) given.")
        }
        for balancer in balancers {
            guard let arn = balancer.targetGroupArn, !arn.isEmpty else {
                throw AdmiralError.invalidParameter(
                    "Each load balancer of a service needs a targetGroupArn (Classic Load Balancers are not supported).")
            }
            guard let name = balancer.containerName, let port = balancer.containerPort else {
                throw AdmiralError.invalidParameter(
                    "Load balancer \(arn) needs a containerName and a containerPort.")
            }
            guard let container = (definition.containerDefinitions ?? []).first(where: { $0.name == name }) else {
                throw AdmiralError.invalidParameter(
                    "The container \(name) does not exist in the task definition.")
            }
            guard (container.portMappings ?? []).contains(where: { $0.containerPort == port }) else {
                throw AdmiralError.invalidParameter(
                    "The container \(name) did not have a container port \(port) defined.")
            }
        }
    }

    /// A service's placement, checked: at most 5 strategies, constraints from the service
    /// and task definition, none of the strategies for DAEMON.
    static func validatePlacement(
        strategies: [ECS.PlacementStrategy]?, constraints: [ECS.PlacementConstraint]?,
        definition: ECS.TaskDefinition, schedulingStrategy: ECS.SchedulingStrategy
    ) throws {
        if schedulingStrategy == .daemon, !(strategies ?? []).isEmpty {
            throw AdmiralError.invalidParameter(
                "The daemon scheduling strategy does not support placement strategies. Remove the placement strategies "
                    + "and try again.")
        }
        _ = try PlacementStrategy.parse(strategies, defaults: PlacementStrategy.serviceDefault)
        _ = try PlacementConstraint.parse(
            constraints, taskDefinition: try PlacementConstraint.parseTaskDefinition(definition.placementConstraints))
    }
}
