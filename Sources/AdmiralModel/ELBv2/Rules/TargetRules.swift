/// The forms of target ids: for target type `instance`, an EC2 instance id (`i-` and 8 or
/// 17 hexadecimal digits), the id of an ECS container instance's host; for `ip`, an IPv4
/// address in dotted decimal.
public enum TargetRules {
    /// Whether `id` has the form of an EC2 instance id.
    public static func isInstanceId(_ id: String) -> Bool {
        guard id.hasPrefix("i-") else { return false }
        let digits = id.utf8.dropFirst(2)
        return (digits.count == 8 || digits.count == 17)
            && digits.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Whether `text` is an IPv4 address in dotted decimal (`10.0.0.1`).
    public static func isIPv4Address(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy { $0.isASCII && $0.isNumber }
                    && (Int(part) ?? 256) <= 255 && !(part.count > 1 && part.hasPrefix("0"))
            }
    }
}
