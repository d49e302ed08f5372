import AWSWire
import AdmiralModel

/// What the API layer needs to know about the deployment.
public struct APIConfiguration: Sendable {
    /// The account id in ARNs.
    public var accountId: String
    /// The identities allowed to call the API.
    public var principals: [Principal]
    /// The largest request body accepted.
    public var maxBodyBytes: Int
    /// The largest accepted difference between a request's signing time and now.
    public var maxClockSkewSeconds: Double
    /// Where load balancers listen: a loopback address each (the default) or one shared address.
    public var loadBalancerAddressing: LoadBalancerAddressing

    /// Creates a configuration.
    public init(
        accountId: String = "000000000000",
        principals: [Principal],
        maxBodyBytes: Int = AWSWireLimits.maxRequestBodyBytes,
        maxClockSkewSeconds: Double = 900,
        loadBalancerAddressing: LoadBalancerAddressing = .loopbackPerLoadBalancer
    ) {
        self.accountId = accountId
        self.principals = principals
        self.maxBodyBytes = maxBodyBytes
        self.maxClockSkewSeconds = maxClockSkewSeconds
        self.loadBalancerAddressing = loadBalancerAddressing
    }
}
