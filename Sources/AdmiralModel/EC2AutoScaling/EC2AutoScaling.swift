import Foundation

/// The namespace of the EC2 Auto Scaling wire shapes (generated from botocore's
/// `autoscaling` model into `Generated/`), its records and pure rules, and the constants
/// of the API. (`ApplicationAutoScaling` is the other, ECS services', auto scaling.)
public enum EC2AutoScaling {
    /// The SigV4 signing name of EC2 Auto Scaling.
    public static let signingName = "autoscaling"
    /// The API version, sent as the `Version` parameter.
    public static let version = "2011-01-01"
    /// The XML namespace of responses.
    public static let xmlNamespace = "http://autoscaling.amazonaws.com/doc/2011-01-01/"
    /// The tag every instance of a group carries, with the group's name.
    public static let groupNameTag = "aws:autoscaling:groupName"
}

/// The error codes of EC2 Auto Scaling, as the Query protocol's `<Code>` carries them.
/// (`ValidationError` and `ResourceInUse` are shared with ELBv2.)
extension AdmiralError.Code {
    /// A launch configuration, group, hook or scheduled action of that name exists.
    public static let alreadyExists = Self(rawValue: "AlreadyExists")
    /// The group has a scaling activity in progress (instances remain, a scale is running).
    public static let scalingActivityInProgress = Self(rawValue: "ScalingActivityInProgress")
    /// The account has the most groups or launch configurations it may have.
    public static let autoScalingLimitExceeded = Self(rawValue: "LimitExceeded")
    /// Another request is changing the same resource.
    public static let resourceContention = Self(rawValue: "ResourceContention")
}
