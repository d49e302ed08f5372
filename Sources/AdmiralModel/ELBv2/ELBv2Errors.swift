/// The error codes of Elastic Load Balancing v2, as the Query protocol's `<Code>` carries
/// them (botocore's model names each exception's code). All are client faults (400).
extension AdmiralError.Code {
    /// A member breaks a constraint of the model or of the API.
    public static let validationError = Self(rawValue: "ValidationError")
    /// The load balancer does not exist.
    public static let loadBalancerNotFound = Self(rawValue: "LoadBalancerNotFound")
    /// The target group does not exist.
    public static let targetGroupNotFound = Self(rawValue: "TargetGroupNotFound")
    /// The listener does not exist.
    public static let listenerNotFound = Self(rawValue: "ListenerNotFound")
    /// The rule does not exist.
    public static let ruleNotFound = Self(rawValue: "RuleNotFound")
    /// Another rule of the listener has the priority.
    public static let priorityInUse = Self(rawValue: "PriorityInUse")
    /// A load balancer of that name exists with other settings.
    public static let duplicateLoadBalancerName = Self(rawValue: "DuplicateLoadBalancerName")
    /// A target group of that name exists with other settings.
    public static let duplicateTargetGroupName = Self(rawValue: "DuplicateTargetGroupName")
    /// A listener already uses the port.
    public static let duplicateListener = Self(rawValue: "DuplicateListener")
    /// A tag key appears twice in one request.
    public static let duplicateTagKeys = Self(rawValue: "DuplicateTagKeys")
    /// The account already has the most load balancers it may have.
    public static let tooManyLoadBalancers = Self(rawValue: "TooManyLoadBalancers")
    /// The account already has the most target groups it may have.
    public static let tooManyTargetGroups = Self(rawValue: "TooManyTargetGroups")
    /// The load balancer already has the most listeners it may have.
    public static let tooManyListeners = Self(rawValue: "TooManyListeners")
    /// The load balancer already has the most rules it may have.
    public static let tooManyRules = Self(rawValue: "TooManyRules")
    /// A target group or load balancer would have more targets than allowed.
    public static let tooManyTargets = Self(rawValue: "TooManyTargets")
    /// A resource would have more tags than allowed.
    public static let tooManyTags = Self(rawValue: "TooManyTags")
    /// A rule or listener has more actions than allowed.
    public static let tooManyActions = Self(rawValue: "TooManyActions")
    /// A load balancer would use more distinct target groups than allowed.
    public static let tooManyUniqueTargetGroupsPerLoadBalancer = Self(
        rawValue: "TooManyUniqueTargetGroupsPerLoadBalancer")
    /// A target group is already used by another load balancer.
    public static let targetGroupAssociationLimit = Self(rawValue: "TargetGroupAssociationLimit")
    /// A target is not valid for the target group.
    public static let invalidTarget = Self(rawValue: "InvalidTarget")
    /// The resource is used by another one.
    public static let resourceInUse = Self(rawValue: "ResourceInUse")
    /// The protocols do not fit together.
    public static let incompatibleProtocols = Self(rawValue: "IncompatibleProtocols")
    /// The protocol is not supported.
    public static let unsupportedProtocol = Self(rawValue: "UnsupportedProtocol")
    /// The configuration is not valid.
    public static let invalidConfigurationRequest = Self(rawValue: "InvalidConfigurationRequest")
    /// An action is not valid.
    public static let invalidLoadBalancerAction = Self(rawValue: "InvalidLoadBalancerAction")
    /// The operation is not allowed on this resource in its current state.
    public static let operationNotPermitted = Self(rawValue: "OperationNotPermitted")
    /// A subnet is not valid.
    public static let invalidSubnet = Self(rawValue: "InvalidSubnet")
    /// A security group is not valid.
    public static let invalidSecurityGroup = Self(rawValue: "InvalidSecurityGroup")
    /// A certificate was named that does not exist.
    public static let certificateNotFound = Self(rawValue: "CertificateNotFound")
}

extension AdmiralError {
    /// A shorthand for a `ValidationError`.
    public static func validation(_ message: String) -> AdmiralError {
        AdmiralError(.validationError, message)
    }

    /// A shorthand for an `InvalidConfigurationRequest`.
    public static func invalidConfiguration(_ message: String) -> AdmiralError {
        AdmiralError(.invalidConfigurationRequest, message)
    }
}
