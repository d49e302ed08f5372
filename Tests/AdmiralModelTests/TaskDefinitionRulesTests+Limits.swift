import AdmiralModel
import Testing

@Suite("Task definition rules: ECS's documented sizes")
struct TaskDefinitionLimitTests {
    typealias Fixture = TaskDefinitionFixture

    @Test("An image reference of 255 characters is valid; 256, or 9 MiB, is refused")
    func imageLength() throws {
        let longest = "registry.example.com:5000/" + String(repeating: "a", count: 255 - 26 - 4) + ":1.0"
        #expect(longest.count == 255)
        try TaskDefinitionRules.validate(Fixture.request([Fixture.container(image: longest)]))
        try expectRejection(
            Fixture.request([Fixture.container(image: longest + "0")]),
            mentioning: ["Container.image", "'web'", "256 characters", "at most 255"])
        try expectRejection(
            Fixture.request([Fixture.container(image: String(repeating: "x", count: 9 * 1024 * 1024))]),
            mentioning: ["Container.image", "9437184 characters"])
    }

    @Test(
        "Image references by tag, digest and registry port are valid",
        arguments: [
            "nginx", "nginx:1.27", "library/nginx:latest", "127.0.0.1:5000/team/app:v1_2-3",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo@sha256:"
                + String(repeating: "0f", count: 32),
        ])
    func validImages(image: String) throws {
        try TaskDefinitionRules.validate(Fixture.request([Fixture.container(image: image)]))
    }

    @Test("An image with characters outside ECS's set is refused", arguments: ["nginx latest", "nginx;rm", "ngïnx"])
    func invalidImageCharacters(image: String) throws {
        try expectRejection(
            Fixture.request([Fixture.container(image: image)]),
            mentioning: ["Container.image", "invalid characters"])
    }

    @Test("A container name of 255 characters is valid; 256 is refused")
    func containerNameLength() throws {
        try TaskDefinitionRules.validate(Fixture.request([Fixture.container(String(repeating: "c", count: 255))]))
        try expectRejection(
            Fixture.request([Fixture.container(String(repeating: "c", count: 256))]),
            mentioning: ["Container.name contains invalid characters", "up to 255"])
    }

    @Test("More than ten environment files on a container are refused")
    func environmentFiles() throws {
        let file = ECS.EnvironmentFile(value: "arn:aws:s3:::bucket/app.env", type: .s3)
        var container = Fixture.container()
        container.environmentFiles = Array(repeating: file, count: 10)
        try TaskDefinitionRules.validate(Fixture.request([container]))
        container.environmentFiles = Array(repeating: file, count: 11)
        try expectRejection(
            Fixture.request([container]), mentioning: ["Too many environment files", "'web'", "at most 10", "11"])
    }

    @Test("A definition over 64 KiB of JSON is refused, whatever member makes it large; tags do not count")
    func definitionSize() throws {
        // 550 variables of about 105 bytes each: 58 KB, under the limit.
        var container = Fixture.container()
        container.environment = (0..<550).map {
            ECS.KeyValuePair(name: "VARIABLE_\($0)", value: String(repeating: "v", count: 70))
        }
        var request = Fixture.request([container])
        try TaskDefinitionRules.validate(request)
        request.tags = (0..<50).map { ECS.Tag(key: "key\($0)", value: String(repeating: "t", count: 256)) }
        try TaskDefinitionRules.validate(request)
        // 700 are over it.
        container.environment = (0..<700).map {
            ECS.KeyValuePair(name: "VARIABLE_\($0)", value: String(repeating: "v", count: 70))
        }
        try expectRejection(
            Fixture.request([container]), mentioning: ["Task definition size exceeds the limit", "65536 bytes"])
        // A long command, too.
        var command = Fixture.container()
        command.command = ["sh", "-c", String(repeating: "echo hello; ", count: 6000)]
        try expectRejection(Fixture.request([command]), mentioning: ["Task definition size exceeds the limit"])
    }
}
