/// ALB's rules for the actions of listeners and rules, for the action types Admiral's
/// HTTP data plane performs:
///
/// - exactly one action per listener or rule, of type `forward`, `redirect` or
///   `fixed-response` (authentication actions need HTTPS listeners and are refused);
/// - `forward`: a `TargetGroupArn`, or a `ForwardConfig` with 1 to 5 distinct target
///   groups of weights 0 to 999 (1 when left out), and optional group stickiness of 1 to
///   604800 seconds; both forms together must name the same single group;
/// - `redirect`: `HTTP_301` or `HTTP_302`, with the components `#{protocol}`, `#{port}`,
///   `#{host}`, `/#{path}` and `#{query}` by default; a path starts with `/`, a query does
///   not start with `?`, and a redirect to the very same URL (a loop) is refused;
/// - `fixed-response`: a 2XX, 4XX or 5XX status code, a content type among ALB's five, a
///   body of up to 1024 characters (checked by the model).
public enum ActionRules {
    /// The content types a fixed response may have.
    public static let fixedResponseContentTypes = [
        "text/plain", "text/css", "text/html", "application/javascript", "application/json",
    ]
    /// The weight of a target group whose weight is left out.
    public static let defaultWeight = 1
    /// The redirect components' defaults: the request's own protocol, port, host, path and query.
    public static let defaultRedirectProtocol = "#{protocol}"
    public static let defaultRedirectPort = "#{port}"
    public static let defaultRedirectHost = "#{host}"
    public static let defaultRedirectPath = "/#{path}"
    public static let defaultRedirectQuery = "#{query}"

    /// The actions validated and in the form Admiral returns and the data plane reads:
    /// forward actions always carry a `ForwardConfig` with weights and stickiness (and a
    /// `TargetGroupArn` when they name one group), redirects carry every component.
    /// Throws `ValidationError` or `InvalidLoadBalancerAction`.
    public static func normalize(_ actions: [ELBv2.Action]) throws -> [ELBv2.Action] {
        guard !actions.isEmpty else {
            throw AdmiralError.validation("At least one action must be specified.")
        }
        for action in actions {
            switch action.type {
            case .authenticateOidc, .authenticateCognito, .jwtValidation:
                throw AdmiralError(
                    .invalidLoadBalancerAction,
                    "'\(action.type.rawValue)' actions are supported only on HTTPS listeners, which Admiral's load "
                        + "balancer does not serve.")
            case .forward, .redirect, .fixedResponse:
                continue
            }
        }
        guard actions.count == 1, let action = actions.first else {
            throw AdmiralError(
                .invalidLoadBalancerAction,
                "A listener or rule takes exactly one forward, redirect or fixed-response action; \(actions.count) "
                    + "were given.")
        }
        switch action.type {
        case .forward: return [try forward(action)]
        case .redirect: return [try redirect(action)]
        default: return [try fixedResponse(action)]
        }
    }

    static func checkOnly(_ action: ELBv2.Action, allows config: String) throws {
        let present: [(String, Bool)] = [
            ("TargetGroupArn", action.targetGroupArn != nil), ("ForwardConfig", action.forwardConfig != nil),
            ("RedirectConfig", action.redirectConfig != nil),
            ("FixedResponseConfig", action.fixedResponseConfig != nil),
            ("AuthenticateOidcConfig", action.authenticateOidcConfig != nil),
            ("AuthenticateCognitoConfig", action.authenticateCognitoConfig != nil),
            ("JwtValidationConfig", action.jwtValidationConfig != nil),
        ]
        let forward = ["TargetGroupArn", "ForwardConfig"]
        for (name, isPresent) in present where isPresent {
            let fits = config == "forward" ? forward.contains(name) : name == config
            guard fits else {
                throw AdmiralError.validation("A '\(action.type.rawValue)' action cannot have a \(name).")
            }
        }
    }

    static func forward(_ action: ELBv2.Action) throws -> ELBv2.Action {
        try checkOnly(action, allows: "forward")
        var groups = action.forwardConfig?.targetGroups ?? []
        if let arn = action.targetGroupArn {
            if groups.isEmpty {
                groups = [ELBv2.TargetGroupTuple(targetGroupArn: arn, weight: defaultWeight)]
            } else if groups.count != 1 || groups[0].targetGroupArn != arn {
                throw AdmiralError.validation(
                    "A forward action with a TargetGroupArn and a ForwardConfig must name the same single target "
                        + "group in both; give several target groups in ForwardConfig only.")
            }
        }
        guard !groups.isEmpty else {
            throw AdmiralError.validation(
                "A forward action needs a TargetGroupArn or a ForwardConfig with at least one target group.")
        }
        guard groups.count <= ELBv2Limits.targetGroupsPerAction else {
            throw AdmiralError.validation(
                "A forward action can have at most \(ELBv2Limits.targetGroupsPerAction) target groups; "
                    + "\(groups.count) were given.")
        }
        var seen = Set<String>()
        for index in groups.indices {
            guard let arn = groups[index].targetGroupArn else {
                throw AdmiralError.validation("Each target group of a ForwardConfig needs a TargetGroupArn.")
            }
            let resource = try ELBv2Resource.parse(arn, as: .targetGroup)
            guard seen.insert(resource.id).inserted else {
                throw AdmiralError.validation("Target group '\(arn)' is given more than once in one forward action.")
            }
            let weight = groups[index].weight ?? defaultWeight
            guard (0...999).contains(weight) else {
                throw AdmiralError.validation("Target group weight \(weight) must be between 0 and 999.")
            }
            groups[index].weight = weight
        }
        var stickiness = action.forwardConfig?.targetGroupStickinessConfig ?? .init(enabled: false)
        if stickiness.enabled == true {
            guard let duration = stickiness.durationSeconds, (1...604800).contains(duration) else {
                throw AdmiralError.validation(
                    "Target group stickiness needs DurationSeconds between 1 and 604800 when it is enabled.")
            }
        } else {
            stickiness.enabled = false
        }
        return ELBv2.Action(
            type: .forward, targetGroupArn: groups.count == 1 ? groups[0].targetGroupArn : nil, order: action.order,
            forwardConfig: ELBv2.ForwardActionConfig(targetGroups: groups, targetGroupStickinessConfig: stickiness))
    }

    static func redirect(_ action: ELBv2.Action) throws -> ELBv2.Action {
        try checkOnly(action, allows: "RedirectConfig")
        guard var config = action.redirectConfig else {
            throw AdmiralError.validation("A redirect action needs a RedirectConfig with a StatusCode.")
        }
        if let port = config.port, port != defaultRedirectPort {
            guard let number = Int(port), (1...65535).contains(number) else {
                throw AdmiralError.validation("Redirect port '\(port)' must be #{port} or a port from 1 to 65535.")
            }
        }
        if let path = config.path, !path.hasPrefix("/") {
            throw AdmiralError.validation("Redirect path '\(path)' must start with a '/' character.")
        }
        if let query = config.query, query.hasPrefix("?") {
            throw AdmiralError.validation("Redirect query '\(query)' must not start with '?'; ALB adds it.")
        }
        config.protocol = config.protocol ?? defaultRedirectProtocol
        config.port = config.port ?? defaultRedirectPort
        config.host = config.host ?? defaultRedirectHost
        config.path = config.path ?? defaultRedirectPath
        config.query = config.query ?? defaultRedirectQuery
        if config.protocol == defaultRedirectProtocol, config.port == defaultRedirectPort,
            config.host == defaultRedirectHost, config.path == defaultRedirectPath,
            config.query == defaultRedirectQuery
        {
            throw AdmiralError(
                .invalidLoadBalancerAction,
                "The redirect configuration is not valid because it creates a loop: change at least one of "
                    + "Protocol, Port, Host, Path or Query.")
        }
        return ELBv2.Action(type: .redirect, order: action.order, redirectConfig: config)
    }

    static func fixedResponse(_ action: ELBv2.Action) throws -> ELBv2.Action {
        try checkOnly(action, allows: "FixedResponseConfig")
        guard let config = action.fixedResponseConfig else {
            throw AdmiralError.validation("A fixed-response action needs a FixedResponseConfig with a StatusCode.")
        }
        if let contentType = config.contentType, !fixedResponseContentTypes.contains(contentType) {
            throw AdmiralError.validation(
                "Fixed response content type '\(contentType)' must be one of "
                    + fixedResponseContentTypes.joined(separator: ", ") + ".")
        }
        return ELBv2.Action(type: .fixedResponse, order: action.order, fixedResponseConfig: config)
    }

    /// The target groups a list of normalized actions forwards to, as ARNs parsed.
    public static func targetGroups(of actions: [ELBv2.Action]) -> [ELBv2Resource] {
        actions.flatMap { action in
            (action.forwardConfig?.targetGroups ?? []).compactMap { tuple in
                tuple.targetGroupArn.flatMap(ELBv2Resource.init(arn:))
            }
        }
    }
}
