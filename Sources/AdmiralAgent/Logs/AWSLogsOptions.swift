import AdmiralModel
import Foundation

/// A container's `awslogs` log configuration, as ECS's agent reads it.
public struct AWSLogsOptions: Codable, Sendable, Hashable {
    /// `awslogs-group`.
    public var group: String
    /// The stream: `PREFIX/CONTAINER/TASK-ID` with `awslogs-stream-prefix`, else the task id
    /// and container name.
    public var stream: String
    /// `awslogs-create-group`.
    public var createGroup: Bool
    /// `mode`: false for `blocking` (the default), true for `non-blocking`.
    public var nonBlocking: Bool
    /// `max-buffer-size` in bytes (default 1 MiB, as Docker's).
    public var maxBufferBytes: Int
    /// `awslogs-multiline-pattern`, or `awslogs-datetime-format` turned into one: a line
    /// that matches begins a new event.
    public var multilinePattern: String?

    /// Reads the options; throws for a missing group or an unreadable size.
    public init(options: [String: String], containerName: String, taskArn: String) throws {
        guard let group = options["awslogs-group"], !group.isEmpty else {
            throw AgentConfigurationError("the awslogs log driver needs the awslogs-group option")
        }
        self.group = group
        let taskId = taskArn.split(separator: "/").last.map(String.init) ?? taskArn
        if let prefix = options["awslogs-stream-prefix"], !prefix.isEmpty {
            stream = LogNames.awslogsStreamName(prefix: prefix, containerName: containerName, taskId: taskId)
        } else {
            stream = "\(taskId)/\(containerName)"
        }
        createGroup = options["awslogs-create-group"]?.lowercased() == "true"
        nonBlocking = options["mode"] == "non-blocking"
        maxBufferBytes = try Self.bytes(options["max-buffer-size"] ?? "1m")
        if let pattern = options["awslogs-multiline-pattern"] {
            multilinePattern = pattern
        } else if let format = options["awslogs-datetime-format"] {
            multilinePattern = Self.regex(strftime: format)
        }
    }

    /// The options as a container label.
    func label() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    /// Reads the options from a container label.
    static func from(label: String) -> AWSLogsOptions? {
        try? JSONDecoder().decode(AWSLogsOptions.self, from: Data(label.utf8))
    }

    /// Docker's sizes: `512k`, `1m`, `2g`, or bytes.
    static func bytes(_ text: String) throws -> Int {
        let lower = text.lowercased()
        let units: [Character: Int] = ["k": 1024, "m": 1024 * 1024, "g": 1024 * 1024 * 1024]
        if let last = lower.last, let unit = units[last], let value = Int(lower.dropLast()), value > 0 {
            return value * unit
        }
        guard let value = Int(lower), value > 0 else {
            throw AgentConfigurationError("max-buffer-size '\(text)' is not a size (use 512k, 1m, ...)")
        }
        return value
    }

    /// The regular expression for a strftime format, anchored at the line's start.
    static func regex(strftime format: String) -> String {
        let fields: [Character: String] = [
            "Y": "\\d{4}", "y": "\\d{2}", "m": "\\d{2}", "d": "\\d{2}", "H": "\\d{2}", "M": "\\d{2}",
            "S": "\\d{2}", "f": "\\d{1,9}", "b": "[A-Za-z]{3}", "B": "[A-Za-z]+", "a": "[A-Za-z]{3}",
            "A": "[A-Za-z]+", "j": "\\d{3}", "p": "[AP]M", "Z": "[A-Za-z]+", "z": "[+-]\\d{4}", "I": "\\d{2}",
            "e": " ?\\d{1,2}", "T": "\\d{2}:\\d{2}:\\d{2}", "F": "\\d{4}-\\d{2}-\\d{2}",
        ]
        var out = "^"
        var percent = false
        for character in format {
            if percent {
                out += fields[character] ?? NSRegularExpression.escapedPattern(for: String(character))
                percent = false
            } else if character == "%" {
                percent = true
            } else {
                out += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        return out
    }
}
