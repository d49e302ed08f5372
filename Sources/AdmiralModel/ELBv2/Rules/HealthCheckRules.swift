/// The health check of a target group, with every member filled in.
public struct TargetGroupHealthCheck: Sendable, Hashable, Codable {
    /// Always true for `instance` and `ip` target groups.
    public var enabled: Bool
    /// `HTTP`: Admiral's load balancer checks over plain HTTP.
    public var healthCheckProtocol: ELBv2.ProtocolEnum
    /// `traffic-port` (the port each target receives traffic on) or a port number.
    public var port: String
    /// The request path, starting with `/`.
    public var path: String
    /// Seconds between checks of one target (5 to 300).
    public var intervalSeconds: Int
    /// Seconds without a response that make a check fail (2 to 120, less than the interval).
    public var timeoutSeconds: Int
    /// Consecutive successes that make a target healthy (2 to 10).
    public var healthyThresholdCount: Int
    /// Consecutive failures that make a target unhealthy (2 to 10).
    public var unhealthyThresholdCount: Int
    /// The HTTP codes of a success: `200`, a list `200,202` or a range `200-299`, within 200-499.
    public var matcher: String

    /// ALB's defaults for an HTTP target group.
    public static let defaults = TargetGroupHealthCheck(
        enabled: true, healthCheckProtocol: .http, port: HealthCheckRules.trafficPort, path: "/",
        intervalSeconds: 30, timeoutSeconds: 5, healthyThresholdCount: 5, unhealthyThresholdCount: 2,
        matcher: "200")

    /// Creates a health check.
    public init(
        enabled: Bool, healthCheckProtocol: ELBv2.ProtocolEnum, port: String, path: String, intervalSeconds: Int,
        timeoutSeconds: Int, healthyThresholdCount: Int, unhealthyThresholdCount: Int, matcher: String
    ) {
        self.enabled = enabled
        self.healthCheckProtocol = healthCheckProtocol
        self.port = port
        self.path = path
        self.intervalSeconds = intervalSeconds
        self.timeoutSeconds = timeoutSeconds
        self.healthyThresholdCount = healthyThresholdCount
        self.unhealthyThresholdCount = unhealthyThresholdCount
        self.matcher = matcher
    }

    /// The port to check a target on: its own port for `traffic-port`.
    public func port(forTargetPort targetPort: Int) -> Int {
        Int(port) ?? targetPort
    }

    /// Whether an HTTP status code counts as a success.
    public func matches(statusCode: Int) -> Bool {
        HealthCheckRules.ranges(ofMatcher: matcher)?.contains { $0.contains(statusCode) } ?? (statusCode == 200)
    }
}

/// ALB's rules for the health check of an HTTP target group: ranges of the counters, the
/// timeout below the interval, the path's form, the port and the success codes.
public enum HealthCheckRules {
    /// The port value meaning "the port the target receives traffic on".
    public static let trafficPort = "traffic-port"
    /// The inclusive range of success codes an application load balancer accepts.
    public static let matcherCodeRange = 200...499

    /// The members of a create or modify request that concern the health check.
    public struct Changes: Sendable, Hashable {
        public var enabled: Bool?
        public var healthCheckProtocol: ELBv2.ProtocolEnum?
        public var port: String?
        public var path: String?
        public var intervalSeconds: Int?
        public var timeoutSeconds: Int?
        public var healthyThresholdCount: Int?
        public var unhealthyThresholdCount: Int?
        public var matcher: ELBv2.Matcher?

        /// Creates the changes.
        public init(
            enabled: Bool? = nil, healthCheckProtocol: ELBv2.ProtocolEnum? = nil, port: String? = nil,
            path: String? = nil, intervalSeconds: Int? = nil, timeoutSeconds: Int? = nil,
            healthyThresholdCount: Int? = nil, unhealthyThresholdCount: Int? = nil, matcher: ELBv2.Matcher? = nil
        ) {
            self.enabled = enabled
            self.healthCheckProtocol = healthCheckProtocol
            self.port = port
            self.path = path
            self.intervalSeconds = intervalSeconds
            self.timeoutSeconds = timeoutSeconds
            self.healthyThresholdCount = healthyThresholdCount
            self.unhealthyThresholdCount = unhealthyThresholdCount
            self.matcher = matcher
        }
    }

    /// `current` with `changes` applied, checked as a whole. Throws `ValidationError` or
    /// `InvalidConfigurationRequest` with AWS's reasons.
    public static func apply(_ changes: Changes, to current: TargetGroupHealthCheck) throws -> TargetGroupHealthCheck {
        var result = current
        if let enabled = changes.enabled {
            guard enabled else {
                throw AdmiralError.validation(
                    "Health checks cannot be disabled for target groups with target type 'instance' or 'ip'.")
            }
            result.enabled = enabled
        }
        if let healthCheckProtocol = changes.healthCheckProtocol {
            switch healthCheckProtocol {
            case .http:
                result.healthCheckProtocol = .http
            case .https:
                throw AdmiralError.invalidConfiguration(
                    "Admiral's load balancer checks target health over HTTP only; use HealthCheckProtocol HTTP.")
            default:
                throw AdmiralError.validation(
                    "Health check protocol '\(healthCheckProtocol.rawValue)' is not valid for a target group with "
                        + "protocol HTTP; use HTTP.")
            }
        }
        if let port = changes.port {
            guard port == trafficPort || (Int(port).map { (1...65535).contains($0) } ?? false) else {
                throw AdmiralError.validation(
                    "Health check port '\(port)' must be 'traffic-port' or a port number from 1 to 65535.")
            }
            result.port = port
        }
        if let path = changes.path {
            guard path.hasPrefix("/") else {
                throw AdmiralError.validation("Health check path '\(path)' must begin with a '/' character.")
            }
            guard path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw AdmiralError.validation(
                    "Health check path '\(path)' can contain only visible ASCII characters, without spaces.")
            }
            result.path = path
        }
        if let value = changes.intervalSeconds {
            try check(value, in: 5...300, "Health check interval")
            result.intervalSeconds = value
        }
        if let value = changes.timeoutSeconds {
            try check(value, in: 2...120, "Health check timeout")
            result.timeoutSeconds = value
        }
        if let value = changes.healthyThresholdCount {
            try check(value, in: 2...10, "Healthy threshold count")
            result.healthyThresholdCount = value
        }
        if let value = changes.unhealthyThresholdCount {
            try check(value, in: 2...10, "Unhealthy threshold count")
            result.unhealthyThresholdCount = value
        }
        if let matcher = changes.matcher {
            if matcher.grpcCode != nil {
                throw AdmiralError.validation(
                    "A gRPC matcher is valid only for target groups with protocol version GRPC; use HttpCode.")
            }
            guard let httpCode = matcher.httpCode else {
                throw AdmiralError.validation("A health check matcher must have an HttpCode, such as 200 or 200-299.")
            }
            try validateMatcher(httpCode)
            result.matcher = httpCode
        }
        guard result.timeoutSeconds < result.intervalSeconds else {
            throw AdmiralError.validation(
                "Health check timeout (\(result.timeoutSeconds) seconds) must be smaller than the interval "
                    + "(\(result.intervalSeconds) seconds).")
        }
        return result
    }

    static func check(_ value: Int, in range: ClosedRange<Int>, _ what: String) throws {
        guard range.contains(value) else {
            throw AdmiralError.validation(
                "\(what) must be between \(range.lowerBound) and \(range.upperBound); got \(value).")
        }
    }

    /// Checks an `HttpCode` matcher: codes or ranges separated by commas, each within 200-499.
    public static func validateMatcher(_ httpCode: String) throws {
        guard ranges(ofMatcher: httpCode) != nil else {
            throw AdmiralError.validation(
                "Health check matcher HTTP code '\(httpCode)' is not valid: give codes from \(matcherCodeRange.lowerBound) "
                    + "to \(matcherCodeRange.upperBound), as one code (200), a list (200,202) or a range (200-299).")
        }
    }

    /// The code ranges of a matcher, or nil when it is not valid.
    public static func ranges(ofMatcher httpCode: String) -> [ClosedRange<Int>]? {
        var result: [ClosedRange<Int>] = []
        for item in httpCode.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count) else { return nil }
            let numbers = bounds.compactMap { bound -> Int? in
                guard bound.count == 3, bound.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                return Int(bound)
            }
            guard numbers.count == bounds.count, let low = numbers.first, let high = numbers.last, low <= high,
                matcherCodeRange.contains(low), matcherCodeRange.contains(high)
            else { return nil }
            result.append(low...high)
        }
        return result.isEmpty ? nil : result
    }
}
