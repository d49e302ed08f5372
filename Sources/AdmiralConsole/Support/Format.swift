import AdmiralModel
import Foundation

/// How values read on the pages.
enum Format {
    /// `2026-12-07 19:47:16Z`, or a dash.
    static func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        let text = date.ISO8601Format(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(
                .colon))
        return text.replacingOccurrences(of: "T", with: " ")
    }

    static func number(_ value: Int?) -> String { value.map(String.init) ?? "—" }

    static func text(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "—" }
        return value
    }

    /// A deployment configuration as one line: its bounds and its circuit breaker.
    static func deployment(_ configuration: ECS.DeploymentConfiguration?) -> String {
        var text = "minimum healthy \(number(configuration?.minimumHealthyPercent))%, "
        text += "maximum \(number(configuration?.maximumPercent))%"
        if let breaker = configuration?.deploymentCircuitBreaker, breaker.enable {
            text += breaker.rollback ? ", circuit breaker with rollback" : ", circuit breaker"
        }
        return text
    }

    /// The revision part of a task definition ARN: `family:3`.
    static func taskDefinition(_ arn: String?) -> String { Paths.lastComponent(arn) }

    /// A link target for a task definition ARN's `family:revision`.
    static func taskDefinitionPath(_ arn: String?) -> String? {
        let reference = Paths.lastComponent(arn)
        guard let colon = reference.lastIndex(of: ":"), let revision = Int(reference[reference.index(after: colon)...])
        else { return nil }
        return Paths.revision(String(reference[..<colon]), revision)
    }
}

/// Environment values whose names say they are secret show as dots unless asked for.
enum SecretMasking {
    static let mask = "••••••••"
    private static let markers = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "PRIVATE", "AUTH"]

    /// Whether an environment variable's name marks its value as secret.
    static func isSecret(name: String) -> Bool {
        let upper = name.uppercased()
        return markers.contains { upper.contains($0) }
    }

    static func display(name: String, value: String, reveal: Bool) -> String {
        reveal || !isSecret(name: name) ? value : mask
    }
}
