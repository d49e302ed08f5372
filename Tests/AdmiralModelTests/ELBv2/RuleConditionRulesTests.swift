import AdmiralModel
import Testing

@Suite("Listener rule conditions, as ALB validates them")
struct RuleConditionRulesTests {
    typealias F = ELBv2Fixture

    @Test("the old Values form of a path condition is filled into PathPatternConfig, and kept")
    func legacyForm() throws {
        let normalized = try RuleConditionRules.normalize([
            ELBv2.RuleCondition(field: "path-pattern", values: ["/img/*"])
        ])
        #expect(
            normalized == [
                ELBv2.RuleCondition(
                    field: "path-pattern", values: ["/img/*"], pathPatternConfig: .init(values: ["/img/*"]))
            ])
    }

    @Test("every config form is accepted and keeps its values")
    func configForms() throws {
        let conditions = [
            F.host("*.example.com"), F.header("X-Env", "blue"), F.method("GET"), F.query(("v", "2")),
            F.sourceIp("10.0.0.0/8"),
        ]
        let normalized = try RuleConditionRules.normalize(conditions)
        #expect(normalized.count == 5)
        #expect(normalized[0].values == ["*.example.com"])
        #expect(normalized[0].hostHeaderConfig?.values == ["*.example.com"])
        #expect(normalized[1] == conditions[1])
        #expect(normalized[4].sourceIpConfig?.values == ["10.0.0.0/8"])
    }

    @Test("a rule needs a condition; a condition needs a known field and a value")
    func basics() {
        refuses(.validationError, "at least one condition") { _ = try RuleConditionRules.normalize([]) }
        refuses(.validationError, "must be one of") {
            _ = try RuleConditionRules.normalize([ELBv2.RuleCondition(field: "cookie", values: ["a"])])
        }
        refuses(.validationError, "needs a Field") {
            _ = try RuleConditionRules.normalize([ELBv2.RuleCondition(values: ["/a"])])
        }
        refuses(.validationError, "at least one value") { _ = try RuleConditionRules.normalize([F.path()]) }
    }

    @Test("the config must match the field, and Values only serve host and path conditions")
    func formsMustMatch() {
        refuses(.validationError, "takes PathPatternConfig, not HostHeaderConfig") {
            _ = try RuleConditionRules.normalize([
                ELBv2.RuleCondition(field: "path-pattern", hostHeaderConfig: .init(values: ["a.example.com"]))
            ])
        }
        refuses(.validationError, "Values can be given only for host-header and path-pattern") {
            _ = try RuleConditionRules.normalize([ELBv2.RuleCondition(field: "http-request-method", values: ["GET"])])
        }
        refuses(.validationError, "can hold one value") {
            _ = try RuleConditionRules.normalize([ELBv2.RuleCondition(field: "path-pattern", values: ["/a", "/b"])])
        }
        refuses(.validationError, "differ") {
            _ = try RuleConditionRules.normalize([
                ELBv2.RuleCondition(field: "path-pattern", values: ["/a"], pathPatternConfig: .init(values: ["/b"]))
            ])
        }
        refuses(.validationError, "needs HttpHeaderConfig") {
            _ = try RuleConditionRules.normalize([ELBv2.RuleCondition(field: "http-header")])
        }
    }

    @Test("host, method, path and source-ip conditions appear once per rule; header and query conditions repeat")
    func repeats() throws {
        refuses(.validationError, "only one 'host-header'") {
            _ = try RuleConditionRules.normalize([F.host("a.example.com"), F.host("b.example.com")])
        }
        refuses(.validationError, "only one 'source-ip'") {
            _ = try RuleConditionRules.normalize([F.sourceIp("10.0.0.0/8"), F.sourceIp("192.0.2.0/24")])
        }
        let headers = try RuleConditionRules.normalize([
            F.header("X-A", "1"), F.header("X-B", "2"), F.query((nil, "x")),
        ])
        #expect(headers.count == 3)
    }

    @Test("three values per condition, five per rule")
    func valueLimits() throws {
        _ = try RuleConditionRules.normalize([F.path("/a", "/b", "/c")])
        refuses(.validationError, "at most 3 values") {
            _ = try RuleConditionRules.normalize([F.path("/a", "/b", "/c", "/d")])
        }
        _ = try RuleConditionRules.normalize([F.path("/a", "/b", "/c"), F.method("GET", "HEAD")])
        refuses(.validationError, "at most 5 condition values in total; this one has 6") {
            _ = try RuleConditionRules.normalize([F.path("/a", "/b", "/c"), F.method("GET", "HEAD", "PUT")])
        }
    }

    @Test("five wildcards per rule; escaped query string wildcards do not count")
    func wildcardLimits() throws {
        _ = try RuleConditionRules.normalize([F.path("/a*?", "/b*"), F.host("*.example.*")])
        refuses(.validationError, "at most 5 wildcards") {
            _ = try RuleConditionRules.normalize([F.path("/a*?", "/b*"), F.host("*.ex?mple.*")])
        }
        _ = try RuleConditionRules.normalize([F.path("/a*?", "/b*"), F.query(("k", #"\*\?"#), (nil, #"x\*"#))])
        refuses(.validationError, "this one has 6") {
            _ = try RuleConditionRules.normalize([F.path("/a*?", "/b*?"), F.query(("k*", "v*"))])
        }
    }

    @Test("host names: 128 characters of A-Z a-z 0-9 - . * ?, a dot, letters after the last dot")
    func hostNames() throws {
        for host in ["example.com", "*.example.com", "api-v2.Example.ORG", "a.b.c.d.io", "?.example.com"] {
            try RuleConditionRules.validateHost(host)
        }
        let long = String(repeating: "a", count: 124) + ".com"
        try RuleConditionRules.validateHost(long)
        refuses(.validationError, "129 characters") { try RuleConditionRules.validateHost("a" + long) }
        refuses(.validationError, "at least one '.'") { try RuleConditionRules.validateHost("localhost") }
        refuses(.validationError, "only letters after") { try RuleConditionRules.validateHost("example.c0m") }
        refuses(.validationError, "can contain only") { try RuleConditionRules.validateHost("exa_mple.com") }
        refuses(.validationError, "can contain only") { try RuleConditionRules.validateHost("example.com:8080") }
    }

    @Test("paths: 128 characters of the documented set")
    func paths() throws {
        for path in ["/img/*", "/api/v1/users?", #"/a_b-c.d$e/~"f'@g:h+i&j"#, "*"] {
            try RuleConditionRules.validatePath(path)
        }
        try RuleConditionRules.validatePath("/" + String(repeating: "a", count: 127))
        refuses(.validationError, "the limit is 128") {
            try RuleConditionRules.validatePath("/" + String(repeating: "a", count: 128))
        }
        for bad in ["/a b", "/a#b", "/a%20", "/ä", "/a;b", "/a,b"] {
            refuses(.validationError, "can contain only") { try RuleConditionRules.validatePath(bad) }
        }
    }

    @Test("header names are HTTP tokens of up to 40 characters, never Host or wildcards")
    func headerNames() throws {
        try RuleConditionRules.validateHeaderName("X-Custom_Header.1")
        try RuleConditionRules.validateHeaderName(String(repeating: "h", count: 40))
        refuses(.validationError, "the limit is 40") {
            try RuleConditionRules.validateHeaderName(String(repeating: "h", count: 41))
        }
        refuses(.validationError, "host-header condition") { try RuleConditionRules.validateHeaderName("HOST") }
        refuses(.validationError, "HTTP token") { try RuleConditionRules.validateHeaderName("X-*") }
        refuses(.validationError, "HTTP token") { try RuleConditionRules.validateHeaderName("X Env") }
        refuses(.validationError, "visible ASCII") {
            _ = try RuleConditionRules.normalize([F.header("X-A", "bad\u{7}value")])
        }
    }

    @Test("methods are A-Z, hyphen and underscore, up to 40, compared exactly")
    func methods() throws {
        try RuleConditionRules.validateMethod("GET")
        try RuleConditionRules.validateMethod("CUSTOM_VERB-X")
        refuses(.validationError, "can contain only A-Z") { try RuleConditionRules.validateMethod("get") }
        refuses(.validationError, "can contain only A-Z") { try RuleConditionRules.validateMethod("GE*") }
        refuses(.validationError, "the limit is 40") {
            try RuleConditionRules.validateMethod(String(repeating: "A", count: 41))
        }
    }

    @Test("query string values need a Value; keys are optional but not empty")
    func queryStrings() throws {
        _ = try RuleConditionRules.normalize([F.query((nil, "beta"), ("v", "2"))])
        refuses(.validationError, "needs a Value") { _ = try RuleConditionRules.normalize([F.query(("v", nil))]) }
        refuses(.validationError, "cannot be empty") { _ = try RuleConditionRules.normalize([F.query(("", "x"))]) }
    }

    @Test("source addresses are IPv4 or IPv6 CIDR blocks")
    func sourceAddresses() throws {
        for block in ["10.0.0.0/8", "192.0.2.10/32", "0.0.0.0/0", "2001:db8::/32", "::/0", "::ffff:10.0.0.1/128"] {
            #expect(RuleConditionRules.isCIDR(block), "\(block)")
        }
        for block in [
            "10.0.0.0", "10.0.0.0/33", "10.0.0/8", "256.0.0.0/8", "2001:db8::/129", "2001:::1/64", "*/8", "x",
        ] {
            #expect(!RuleConditionRules.isCIDR(block), "\(block)")
        }
        refuses(.validationError, "CIDR notation") { _ = try RuleConditionRules.normalize([F.sourceIp("10.0.0.1")]) }
    }

    @Test("regular-expression conditions are refused clearly")
    func regexRefused() {
        refuses(.invalidConfigurationRequest, "RegexValues") {
            _ = try RuleConditionRules.normalize([
                ELBv2.RuleCondition(field: "path-pattern", pathPatternConfig: .init(regexValues: ["^/a$"]))
            ])
        }
    }
}
