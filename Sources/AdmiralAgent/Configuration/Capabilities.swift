/// The attributes an agent registers: what the host is and what the agent can do, as
/// ECS's agent reports them, so that task definitions' `requiresAttributes` match.
enum Capabilities {
    /// The Docker remote API versions ECS's agent advertises, oldest first.
    static let dockerAPIVersions = [
        "1.17", "1.18", "1.19", "1.20", "1.21", "1.22", "1.23", "1.24", "1.25", "1.26", "1.27", "1.28", "1.29",
        "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37", "1.38", "1.39", "1.40", "1.41", "1.42",
        "1.43", "1.44",
    ]

    /// The capabilities Admiral's agent implements.
    static let agentCapabilities = [
        "ecs.capability.container-health-check",
        "ecs.capability.container-ordering",
        "ecs.capability.task-cpu-mem-limit",
        "ecs.capability.docker-plugin.local",
        "ecs.capability.full-sync",
        "com.amazonaws.ecs.capability.privileged-container",
    ]

    /// The attributes for a host with `host`'s runtime.
    static func attributes(for host: RuntimeHost) -> [String: String?] {
        var attributes: [String: String?] = [
            "ecs.os-type": "linux",
            "ecs.os-family": "LINUX",
            "ecs.cpu-architecture": host.architecture,
        ]
        for version in dockerAPIVersions where compare(version, host.apiVersion) <= 0 {
            attributes["com.amazonaws.ecs.capability.docker-remote-api.\(version)"] = .some(nil)
        }
        for driver in host.loggingDrivers {
            attributes["com.amazonaws.ecs.capability.logging-driver.\(driver)"] = .some(nil)
        }
        for capability in agentCapabilities { attributes[capability] = .some(nil) }
        return attributes
    }

    /// Compares dotted versions numerically.
    static func compare(_ lhs: String, _ rhs: String) -> Int {
        let left = lhs.split(separator: ".").map { Int($0) ?? 0 }
        let right = rhs.split(separator: ".").map { Int($0) ?? 0 }
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            if a != b { return a < b ? -1 : 1 }
        }
        return 0
    }
}
