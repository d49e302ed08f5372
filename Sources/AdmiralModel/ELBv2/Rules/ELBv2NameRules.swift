/// The naming rules of load balancers and target groups: 1 to 32 letters, digits and
/// hyphens, neither starting nor ending with a hyphen; a load balancer's name must not
/// start with `internal-` either.
public enum ELBv2NameRules {
    /// The longest name.
    public static let maximumLength = 32

    /// Checks a load balancer name, throwing AWS's `ValidationError`.
    public static func validateLoadBalancerName(_ name: String) throws {
        try validate(name, what: "Load balancer")
        if name.lowercased().hasPrefix("internal-") {
            throw AdmiralError.validation("Load balancer name '\(name)' cannot begin with 'internal-'.")
        }
    }

    /// Checks a target group name, throwing AWS's `ValidationError`.
    public static func validateTargetGroupName(_ name: String) throws {
        try validate(name, what: "Target group")
    }

    static func validate(_ name: String, what: String) throws {
        guard !name.isEmpty else {
            throw AdmiralError.validation("\(what) name cannot be empty.")
        }
        guard name.count <= maximumLength else {
            throw AdmiralError.validation(
                "\(what) name '\(name)' cannot be longer than \(maximumLength) characters.")
        }
        let allowed = name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D
        }
        guard allowed else {
            throw AdmiralError.validation(
                "\(what) name '\(name)' can contain only alphanumeric characters and hyphens (-).")
        }
        guard !name.hasPrefix("-"), !name.hasSuffix("-") else {
            throw AdmiralError.validation("\(what) name '\(name)' cannot begin or end with a hyphen.")
        }
    }
}
