/// A listener rule: when all of its conditions match, its action is taken.
public struct ListenerRule: Sendable, Equatable {
    /// The rule's ARN.
    public var id: String
    /// The priority (1-50000); lower numbers are evaluated first.
    public var priority: Int
    /// The conditions; all of them must match (AND). Values inside one condition are OR'ed.
    public var conditions: [RuleCondition]
    /// The terminal action (ALB's last action: forward, redirect or fixed-response).
    public var action: RuleAction

    /// Creates a rule.
    public init(id: String, priority: Int, conditions: [RuleCondition], action: RuleAction) {
        self.id = id
        self.priority = priority
        self.conditions = conditions
        self.action = action
    }
}

/// A rule condition, with ALB's matching semantics.
///
/// In patterns, `*` matches any run of characters (also none) and `?` exactly one.
public enum RuleCondition: Sendable, Equatable {
    /// `path-pattern`: case-sensitive patterns compared with the path only, never the query string.
    case pathPattern([String])
    /// `host-header`: case-insensitive patterns compared with the Host header's name, without its port.
    case hostHeader([String])
    /// `http-header`: the named header (name case-insensitive) has a value matching one of the
    /// case-insensitive patterns; several instances of the header are searched in order.
    case httpHeader(name: String, values: [String])
    /// `http-request-method`: the method is exactly (case-sensitive) one of these.
    case httpRequestMethod([String])
    /// `query-string`: one of the pairs is found in the query string (case-insensitive
    /// patterns; `\*` and `\?` are literal characters).
    case queryString([QueryStringPair])
    /// `source-ip`: the connection's source address is in one of these CIDR blocks (IPv4 or IPv6).
    case sourceIP([String])
}

/// One key/value pair of a query-string condition.
public struct QueryStringPair: Sendable, Equatable {
    /// The key pattern; `nil` matches a value under any key.
    public var key: String?
    /// The value pattern.
    public var value: String

    /// Creates a pair.
    public init(key: String? = nil, value: String) {
        self.key = key
        self.value = value
    }
}

/// What a rule does with a request.
public enum RuleAction: Sendable, Equatable {
    /// Forward to one or more target groups.
    case forward(ForwardAction)
    /// Answer from the load balancer itself.
    case fixedResponse(FixedResponseAction)
    /// Answer with a redirect built from the request's parts.
    case redirect(RedirectAction)

    /// A forward action to a single target group.
    public static func forward(to targetGroupID: String) -> RuleAction {
        .forward(ForwardAction(targetGroups: [WeightedTargetGroup(id: targetGroupID, weight: 1)]))
    }
}

/// Forwarding to one target group, or weighted forwarding to several.
public struct ForwardAction: Sendable, Equatable {
    /// The target groups with their weights (0-999). A group with weight 0 gets no requests.
    public var targetGroups: [WeightedTargetGroup]
    /// Target-group stickiness (the `AWSALBTG` cookie) for weighted forwarding; `nil` when off.
    public var stickinessDuration: Duration?

    /// Creates a forward action.
    public init(targetGroups: [WeightedTargetGroup], stickinessDuration: Duration? = nil) {
        self.targetGroups = targetGroups
        self.stickinessDuration = stickinessDuration
    }
}

/// A target group and its weight in a forward action.
public struct WeightedTargetGroup: Sendable, Equatable {
    /// The target group's ARN.
    public var id: String
    /// The weight, 0-999.
    public var weight: Int

    /// Creates a weighted target group.
    public init(id: String, weight: Int = 1) {
        self.id = id
        self.weight = weight
    }
}

/// A response the load balancer writes itself.
public struct FixedResponseAction: Sendable, Equatable {
    /// The status code (2XX, 4XX or 5XX).
    public var statusCode: Int
    /// The content type (`text/plain`, `text/css`, `text/html`, `application/javascript`,
    /// `application/json`), or `nil` for none.
    public var contentType: String?
    /// The body (up to 1024 characters), or `nil` for an empty body.
    public var messageBody: String?

    /// Creates a fixed response.
    public init(statusCode: Int, contentType: String? = nil, messageBody: String? = nil) {
        self.statusCode = statusCode
        self.contentType = contentType
        self.messageBody = messageBody
    }
}

/// A redirect. Each component may use ALB's placeholders `#{protocol}`, `#{host}`,
/// `#{port}`, `#{path}` (without its leading "/") and `#{query}`; a component left `nil`
/// keeps the request's value.
public struct RedirectAction: Sendable, Equatable {
    /// The status: permanent (301) or temporary (302).
    public enum StatusCode: String, Sendable, Equatable {
        /// `HTTP_301`.
        case permanent = "HTTP_301"
        /// `HTTP_302`.
        case temporary = "HTTP_302"
    }

    /// `HTTP`, `HTTPS` or `#{protocol}` (the default).
    public var `protocol`: String?
    /// The host name (default `#{host}`).
    public var host: String?
    /// The port (default `#{port}`).
    public var port: String?
    /// The absolute path (default `/#{path}`).
    public var path: String?
    /// The query without its leading "?" (default `#{query}`).
    public var query: String?
    /// 301 or 302.
    public var statusCode: StatusCode

    /// Creates a redirect.
    public init(
        protocol: String? = nil,
        host: String? = nil,
        port: String? = nil,
        path: String? = nil,
        query: String? = nil,
        statusCode: StatusCode
    ) {
        self.protocol = `protocol`
        self.host = host
        self.port = port
        self.path = path
        self.query = query
        self.statusCode = statusCode
    }
}
