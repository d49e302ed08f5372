import Foundation
import Testing

@testable import AdmiralAgent

@Suite("ecs.config files and ECS_* variables")
struct ECSConfigFileTests {
    @Test("settings, quotes, comments, attributes, reserved ports and memory are read as the ECS agent reads them")
    func parse() throws {
        let file = try ECSConfigFile.parse(
            """
            # the cluster
            ECS_CLUSTER=prod
            ECS_INSTANCE_ATTRIBUTES={"stack":"blue","tier":"web"}
            ECS_RESERVED_MEMORY=256
            ECS_RESERVED_PORTS=[8080, "9090"]
            export ECS_RESERVED_PORTS_UDP=[53]
            ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION="1h30m"

            """)
        #expect(file.cluster == "prod")
        #expect(try file.instanceAttributes() == ["stack": "blue", "tier": "web"])
        #expect(try file.reservedMemory() == 256)
        #expect(try file.reservedPorts() == [8080, 9090])
        #expect(try file.reservedUDPPorts() == [53])
        #expect(try file.duration("ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION") == .seconds(5400))
    }

    @Test("the environment overrides the file")
    func overlay() throws {
        let file = try ECSConfigFile.parse("ECS_CLUSTER=prod\nECS_RESERVED_MEMORY=1")
        let merged = file.overlaid(with: .environment(["ECS_CLUSTER": "staging", "PATH": "/bin"]))
        #expect(merged.cluster == "staging")
        #expect(try merged.reservedMemory() == 1)
        #expect(merged.values["PATH"] == nil)
    }

    @Test("bad values are refused with the setting's name")
    func errors() throws {
        #expect(throws: AgentConfigurationError.self) { try ECSConfigFile.parse("no equals sign") }
        let bad = ECSConfigFile(values: [
            "ECS_INSTANCE_ATTRIBUTES": "[1]", "ECS_RESERVED_PORTS": "[70000]", "ECS_RESERVED_MEMORY": "-1",
            "ECS_CONTAINER_STOP_TIMEOUT": "soon",
        ])
        #expect(throws: AgentConfigurationError.self) { try bad.instanceAttributes() }
        #expect(throws: AgentConfigurationError.self) { try bad.reservedPorts() }
        #expect(throws: AgentConfigurationError.self) { try bad.reservedMemory() }
        #expect(throws: AgentConfigurationError.self) { try bad.duration("ECS_CONTAINER_STOP_TIMEOUT") }
    }
}
