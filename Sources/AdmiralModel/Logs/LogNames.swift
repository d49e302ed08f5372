import Foundation

/// The names CloudWatch Logs accepts and the ARNs it forms.
public enum LogNames {
    /// Checks a log group name: 1 to 512 characters of `A-Z a-z 0-9 . - _ / #`, not
    /// beginning with `aws/` (reserved for AWS).
    public static func checkGroupName(_ name: String, member: String = "logGroupName") throws {
        guard (1...512).contains(name.utf8.count) else {
            throw AdmiralError.invalidParameter(
                "1 validation error detected: Value '\(name)' at '\(member)' failed to satisfy constraint: "
                    + "Member must have length between 1 and 512")
        }
        let valid = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "/"), UInt8(ascii: "#"):
                true
            default: false
            }
        }
        guard valid else {
            throw AdmiralError.invalidParameter(
                "1 validation error detected: Value '\(name)' at '\(member)' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
        }
    }

    /// Checks a log stream name: 1 to 512 characters, no `:` or `*`.
    public static func checkStreamName(_ name: String, member: String = "logStreamName") throws {
        guard (1...512).contains(name.utf8.count) else {
            throw AdmiralError.invalidParameter(
                "1 validation error detected: Value '\(name)' at '\(member)' failed to satisfy constraint: "
                    + "Member must have length between 1 and 512")
        }
        guard !name.contains(":"), !name.contains("*") else {
            throw AdmiralError.invalidParameter(
                "1 validation error detected: Value '\(name)' at '\(member)' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [^:*]*")
        }
    }

    /// Checks a metric filter name: 1 to 512 characters, no `:` or `*`.
    public static func checkFilterName(_ name: String, member: String = "filterName") throws {
        try checkStreamName(name, member: member)
    }

    /// The ARN of a log group as DescribeLogGroups' `logGroupArn` shows it.
    public static func groupARN(region: String, accountId: String, group: String) -> String {
        "arn:aws:logs:\(region):\(accountId):log-group:\(group)"
    }

    /// The log group named by an ARN (`...:log-group:NAME` or `...:log-group:NAME:*`), or
    /// by a bare name; nil for another kind of ARN.
    public static func groupName(fromIdentifier identifier: String) -> String? {
        guard identifier.hasPrefix("arn:") else { return identifier }
        guard let range = identifier.range(of: ":log-group:") else { return nil }
        var name = identifier[range.upperBound...]
        if name.hasSuffix(":*") { name = name.dropLast(2) }
        return name.isEmpty ? nil : String(name)
    }

    /// The stream ECS's awslogs driver writes a container to: `PREFIX/CONTAINER/TASK-ID`.
    public static func awslogsStreamName(prefix: String, containerName: String, taskId: String) -> String {
        "\(prefix)/\(containerName)/\(taskId)"
    }
}
