import Foundation

extension TaskDefinitionRules {
    /// The prefix of the older capability attributes (`com.amazonaws.ecs.capability.*`).
    static let legacyCapabilityPrefix = "com.amazonaws.ecs.capability."
    /// The prefix of the newer capability attributes (`ecs.capability.*`).
    static let capabilityPrefix = "ecs.capability."

    /// The container instance attributes a task needs, derived from its definition the way
    /// ECS derives `requiresAttributes`; the scheduler places tasks only on instances whose
    /// agent registered every one of them.
    ///
    /// The mapping follows what ECS returns for real definitions (for example awslogs with
    /// options requires `docker-remote-api.1.18` and `.1.19`, `memoryReservation` requires
    /// `.1.21`, an execution role with awslogs requires `execution-role-awslogs`) and the
    /// capability names the ECS agent registers. ECS does not document the full mapping;
    /// rare members (GPU, Windows credential specs) add nothing here.
    static func requiresAttributes(for request: ECS.RegisterTaskDefinitionRequest) -> [ECS.Attribute] {
        var names = OrderedNames()
        let hasExecutionRole = request.executionRoleArn != nil
        for container in request.containerDefinitions {
            addAttributes(of: container, hasExecutionRole: hasExecutionRole, to: &names)
        }
        addTaskAttributes(of: request, to: &names)
        return names.values.map { ECS.Attribute(name: $0) }
    }

    /// Names in first-seen order, without repeats.
    struct OrderedNames {
        private(set) var values: [String] = []
        private var seen = Set<String>()

        mutating func insert(_ name: String) {
            if seen.insert(name).inserted { values.append(name) }
        }

        mutating func legacy(_ suffix: String) { insert(legacyCapabilityPrefix + suffix) }
        mutating func capability(_ suffix: String) { insert(capabilityPrefix + suffix) }
        mutating func dockerAPI(_ version: String) { legacy("docker-remote-api." + version) }
    }

    private static func addAttributes(
        of container: ECS.ContainerDefinition, hasExecutionRole: Bool, to names: inout OrderedNames
    ) {
        if let log = container.logConfiguration {
            names.legacy("logging-driver." + log.logDriver.rawValue)
            names.dockerAPI("1.18")
            if !(log.options ?? [:]).isEmpty { names.dockerAPI("1.19") }
            if log.logDriver == .awslogs, hasExecutionRole { names.capability("execution-role-awslogs") }
            for secret in log.secretOptions ?? [] {
                names.capability(secretStore(secret.valueFrom) + ".bootstrap.log-driver")
            }
        }
        if !(container.dockerLabels ?? [:]).isEmpty { names.dockerAPI("1.18") }
        if !(container.ulimits ?? []).isEmpty { names.dockerAPI("1.18") }
        if container.memoryReservation != nil { names.dockerAPI("1.21") }
        if container.healthCheck != nil { names.capability("container-health-check") }
        if !(container.dependsOn ?? []).isEmpty { names.capability("container-ordering") }
        for secret in container.secrets ?? [] {
            names.capability(secretStore(secret.valueFrom) + ".environment-variables")
        }
        if container.repositoryCredentials != nil {
            names.capability("private-registry-authentication.secretsmanager")
        }
        if let image = container.image, isECRImage(image) {
            names.legacy("ecr-auth")
            if hasExecutionRole { names.capability("execution-role-ecr-pull") }
        }
        if container.privileged == true { names.legacy("privileged-container") }
        for option in container.dockerSecurityOptions ?? [] {
            if option.hasPrefix("label:") { names.legacy("selinux") }
            if option.hasPrefix("apparmor:") { names.legacy("apparmor") }
        }
        if let firelens = container.firelensConfiguration {
            names.capability("firelens." + firelens.type.rawValue)
            switch firelens.options?["config-file-type"] {
            case "file": names.capability("firelens.options.config.file")
            case "s3": names.capability("firelens.options.config.s3")
            default: break
            }
        }
        if !(container.environmentFiles ?? []).isEmpty { names.capability("env-files.s3") }
        if container.restartPolicy?.enabled == true { names.capability("container-restart-policy") }
        if (container.portMappings ?? []).contains(where: { $0.containerPortRange != nil }) {
            names.capability("network.container-port-range")
        }
        if container.linuxParameters?.initProcessEnabled == true { names.dockerAPI("1.25") }
    }

    private static func addTaskAttributes(
        of request: ECS.RegisterTaskDefinitionRequest, to names: inout OrderedNames
    ) {
        let networkMode = effectiveNetworkMode(request.networkMode)
        if request.taskRoleArn != nil {
            names.legacy("task-iam-role")
            if networkMode == .host { names.legacy("task-iam-role-network-host") }
        }
        if networkMode == .awsvpc { names.capability("task-eni") }
        if request.pidMode != nil || request.ipcMode != nil {
            names.capability("pid-ipc-namespace-sharing")
        }
        if request.cpu != nil || request.memory != nil { names.capability("task-cpu-mem-limit") }
        for volume in request.volumes ?? [] {
            if let docker = volume.dockerVolumeConfiguration {
                names.capability("docker-plugin." + (docker.driver ?? "local"))
                names.dockerAPI("1.25")
            }
            if volume.efsVolumeConfiguration != nil {
                names.capability("efs")
                names.capability("efsAuth")
                names.dockerAPI("1.25")
            }
            if volume.fsxWindowsFileServerVolumeConfiguration != nil {
                names.capability("fsxWindowsFileServer")
            }
        }
        if request.proxyConfiguration != nil { names.capability("aws-appmesh") }
        if !(request.inferenceAccelerators ?? []).isEmpty { names.capability("task-eia") }
        if request.enableFaultInjection == true { names.capability("fault-injection") }
    }

    /// `secrets.asm` for a Secrets Manager ARN, `secrets.ssm` for a Parameter Store name or ARN.
    private static func secretStore(_ valueFrom: String) -> String {
        valueFrom.contains(":secretsmanager:") ? "secrets.asm" : "secrets.ssm"
    }

    /// Whether an image lives in Amazon ECR (`<account>.dkr.ecr.<region>.amazonaws.com/...`).
    private static func isECRImage(_ image: String) -> Bool {
        guard let registry = image.split(separator: "/", maxSplits: 1).first, image.contains("/") else {
            return false
        }
        return registry.contains(".dkr.ecr.") && registry.contains(".amazonaws.com")
    }
}
