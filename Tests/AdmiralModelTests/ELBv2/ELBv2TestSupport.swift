import AdmiralModel
import Testing

/// Runs `body` and returns the `AdmiralError` it throws, recording an issue when it
/// throws something else or nothing.
func admiralError(
    _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) -> AdmiralError? {
    #expect(throws: AdmiralError.self, sourceLocation: sourceLocation) { try body() }
}

/// Whether `body` throws an `AdmiralError` of `code` whose message contains `text`.
func refuses(
    _ code: AdmiralError.Code, _ text: String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    let error = admiralError(body, sourceLocation: sourceLocation)
    #expect(error?.code == code, "\(error?.description ?? "no error")", sourceLocation: sourceLocation)
    if !text.isEmpty {
        #expect(error?.message.contains(text) == true, "\(error?.message ?? "")", sourceLocation: sourceLocation)
    }
}

enum ELBv2Fixture {
    static let blueArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/blue/73e2d6bc24d8a067"
    static let greenArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/green/09e8bc1f2a3d4b5c"

    static func path(_ values: String...) -> ELBv2.RuleCondition {
        ELBv2.RuleCondition(field: "path-pattern", pathPatternConfig: .init(values: values))
    }

    static func host(_ values: String...) -> ELBv2.RuleCondition {
        ELBv2.RuleCondition(field: "host-header", hostHeaderConfig: .init(values: values))
    }

    static func header(_ name: String, _ values: String...) -> ELBv2.RuleCondition {
        ELBv2.RuleCondition(field: "http-header", httpHeaderConfig: .init(httpHeaderName: name, values: values))
    }

    static func method(_ values: String...) -> ELBv2.RuleCondition {
        ELBv2.RuleCondition(field: "http-request-method", httpRequestMethodConfig: .init(values: values))
    }

    static func query(_ pairs: (String?, String?)...) -> ELBv2.RuleCondition {
        ELBv2.RuleCondition(
            field: "query-string", queryStringConfig: .init(values: pairs.map { .init(key: $0.0, value: $0.1) }))
    }

    static func sourceIp(_ values: String...) -> ELBv2.RuleCondition {
        ELBv2.RuleCondition(field: "source-ip", sourceIpConfig: .init(values: values))
    }

    static func forward(_ arn: String = blueArn) -> ELBv2.Action {
        ELBv2.Action(type: .forward, targetGroupArn: arn)
    }
}
