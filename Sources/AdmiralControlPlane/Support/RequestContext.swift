import AdmiralModel
import Foundation

/// Who is calling and for which region: what a domain service needs to know about a
/// request beyond its body.
public struct RequestContext: Sendable {
    /// The namer for the region of the request's credential scope and the account.
    public var names: ECSNames
    /// The ARN of the calling principal, e.g. `arn:aws:iam::000000000000:user/admin`.
    public var principalARN: String
    /// The time the request is handled at.
    public var now: Date
    /// The EC2 instance whose credentials signed the request (its instance role), nil for
    /// the operator's principals: such a request may make only its agent's calls.
    public var instance: InstanceCredentials.Grant?

    /// Creates a context.
    public init(
        names: ECSNames, principalARN: String, now: Date = Date(), instance: InstanceCredentials.Grant? = nil
    ) {
        self.names = names
        self.principalARN = principalARN
        self.now = now
        self.instance = instance
    }
}
