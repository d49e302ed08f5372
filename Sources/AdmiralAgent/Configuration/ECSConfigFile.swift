import Foundation

/// An ecs.config-style file, `NAME=value` per line as the ECS-optimized AMI's
/// `/etc/ecs/ecs.config`, and the same names as environment variables.
public struct ECSConfigFile: Sendable, Equatable {
    /// The settings by name.
    public var values: [String: String]

    /// Creates settings.
    public init(values: [String: String] = [:]) {
        self.values = values
    }

    /// Parses the file's text: blank lines and `#` comments are skipped; values may be
    /// quoted with single or double quotes.
    public static func parse(_ text: String) throws -> ECSConfigFile {
        var values: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)) }
            guard let equals = line.firstIndex(of: "=") else {
                throw AgentConfigurationError("line \(number + 1): expected NAME=value, found '\(line)'")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            guard !name.isEmpty else { throw AgentConfigurationError("line \(number + 1): a setting needs a name") }
            values[name] = value
        }
        return ECSConfigFile(values: values)
    }

    /// The `ECS_*` variables of an environment.
    public static func environment(_ environment: [String: String]) -> ECSConfigFile {
        ECSConfigFile(values: environment.filter { $0.key.hasPrefix("ECS_") })
    }

    /// These settings with `other`'s laid over them.
    public func overlaid(with other: ECSConfigFile) -> ECSConfigFile {
        ECSConfigFile(values: values.merging(other.values) { _, new in new })
    }

    public var cluster: String? { values["ECS_CLUSTER"].flatMap { $0.isEmpty ? nil : $0 } }

    /// `ECS_INSTANCE_ATTRIBUTES={"stack":"prod"}`.
    public func instanceAttributes() throws -> [String: String] {
        guard let text = values["ECS_INSTANCE_ATTRIBUTES"], !text.isEmpty else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw AgentConfigurationError(
                "ECS_INSTANCE_ATTRIBUTES must be a JSON object of strings, e.g. {\"stack\":\"prod\"}")
        }
        var attributes: [String: String] = [:]
        for (key, value) in object {
            guard let string = value as? String else {
                throw AgentConfigurationError("ECS_INSTANCE_ATTRIBUTES: the value of '\(key)' must be a string")
            }
            attributes[key] = string
        }
        return attributes
    }

    /// `ECS_RESERVED_MEMORY=256`.
    public func reservedMemory() throws -> Int? { try integer("ECS_RESERVED_MEMORY") }

    /// `ECS_RESERVED_PORTS=[22, 2376]`.
    public func reservedPorts() throws -> [Int]? { try ports("ECS_RESERVED_PORTS") }

    /// `ECS_RESERVED_PORTS_UDP=[53]`.
    public func reservedUDPPorts() throws -> [Int]? { try ports("ECS_RESERVED_PORTS_UDP") }

    /// A duration such as `3h`, `10m`, `30s` or `500ms` (Go's syntax, as ECS uses).
    public func duration(_ name: String) throws -> Duration? {
        guard let text = values[name], !text.isEmpty else { return nil }
        guard let duration = Self.parseDuration(text) else {
            throw AgentConfigurationError("\(name): '\(text)' is not a duration such as 3h, 10m, 30s or 500ms")
        }
        return duration
    }

    func integer(_ name: String) throws -> Int? {
        guard let text = values[name], !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw AgentConfigurationError("\(name) must be a non-negative integer; '\(text)' is not")
        }
        return value
    }

    func ports(_ name: String) throws -> [Int]? {
        guard let text = values[name], !text.isEmpty else { return nil }
        guard let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
            throw AgentConfigurationError("\(name) must be a JSON list of ports, e.g. [22, 2376]")
        }
        return try list.map { item in
            guard let port = (item as? Int) ?? (item as? String).flatMap(Int.init), (1...65_535).contains(port) else {
                throw AgentConfigurationError("\(name): '\(item)' is not a port between 1 and 65535")
            }
            return port
        }
    }

    /// Parses Go-style durations made of one or more `<number><unit>` parts.
    static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, factor) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * factor
        }
        return .milliseconds(Int64((total * 1000).rounded()))
    }
}

/// A configuration that cannot be used, with what to fix.
public struct AgentConfigurationError: Error, CustomStringConvertible {
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
