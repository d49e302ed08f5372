/// Where the load balancers listen. Admiral runs every load balancer on the server's
/// machine, and a load balancer's DNSName is the address clients connect to.
public enum LoadBalancerAddressing: Sendable, Hashable {
    /// Each load balancer gets its own loopback address, allocated in order from
    /// 127.0.1.1 (127.0.1.1, 127.0.1.2, ...) and kept in its record, so that two load
    /// balancers can both listen on port 80. Linux routes all of 127.0.0.0/8 to `lo`,
    /// so this needs no setup.
    case loopbackPerLoadBalancer
    /// Every load balancer listens on this one address (for example `0.0.0.0`); their
    /// listener ports must then differ.
    case shared(String)

    /// The first loopback address handed out.
    public static let firstLoopbackAddress = "127.0.1.1"

    /// The address for a new load balancer, given those already in use; nil when the
    /// loopback range is exhausted.
    public func allocate(taken: Set<String>) -> String? {
        switch self {
        case .shared(let address):
            return address
        case .loopbackPerLoadBalancer:
            // 127.0.1.1 ... 127.255.255.254, skipping .0 and .255 in the last octet.
            for second in 0...255 {
                for third in (second == 0 ? 1 : 0)...255 {
                    for fourth in 1...254 {
                        let address = "127.\(second).\(third).\(fourth)"
                        if !taken.contains(address) { return address }
                    }
                }
            }
            return nil
        }
    }

    /// Whether listeners on these two addresses compete for the same ports (the same
    /// address, or either one the wildcard address).
    public static func overlaps(_ first: String, _ second: String) -> Bool {
        first == second || isWildcard(first) || isWildcard(second)
    }

    static func isWildcard(_ address: String) -> Bool {
        address == "0.0.0.0" || address == "::" || address == "[::]"
    }
}
