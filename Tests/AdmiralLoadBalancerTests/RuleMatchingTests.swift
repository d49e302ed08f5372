import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import AdmiralLoadBalancer

@Suite("Rule matching (ALB semantics)")
struct RuleMatchingTests {
    @Test("* matches any run of characters, also none, and ? exactly one")
    func wildcards() {
        let star = WildcardPattern("/img/*", caseInsensitive: false)
        #expect(star.matches("/img/"))
        #expect(star.matches("/img/a/b/c.png"))
        #expect(!star.matches("/im"))
        let question = WildcardPattern("/v?/users", caseInsensitive: false)
        #expect(question.matches("/v1/users"))
        #expect(!question.matches("/v12/users"))
        #expect(!question.matches("/v/users"))
        let mixed = WildcardPattern("*.example.*", caseInsensitive: true)
        #expect(mixed.matches("api.example.com"))
        #expect(mixed.matches(".example."))
        #expect(!mixed.matches("example.com"))
        #expect(WildcardPattern("a*b*c", caseInsensitive: false).matches("aXXbYYbZZc"))
        #expect(!WildcardPattern("a*b*c", caseInsensitive: false).matches("aXXbYYbZZ"))
    }

    @Test("escaped \\* and \\? are literal characters in query-string patterns")
    func escapes() {
        let pattern = WildcardPattern("a\\*b", caseInsensitive: true, escapes: true)
        #expect(pattern.matches("a*b"))
        #expect(!pattern.matches("aXb"))
    }

    @Test("path patterns are case-sensitive and ignore the query string")
    func pathPattern() throws {
        let condition = RuleCondition.pathPattern(["/api/*"])
        #expect(try matches(condition, facts("/api/users?x=1")))
        #expect(try !matches(condition, facts("/API/users")))
        #expect(try !matches(.pathPattern(["*x=1"]), facts("/api/users?x=1")))
        #expect(try matches(.pathPattern(["/exact"]), facts("/exact#fragment")))
        #expect(try matches(.pathPattern(["/abs/*"]), facts("http://example.com/abs/form")))
    }

    @Test("host headers match case-insensitively and without the port")
    func hostHeader() throws {
        let condition = RuleCondition.hostHeader(["*.example.com"])
        #expect(try matches(condition, facts("/", host: "API.Example.COM:8080")))
        #expect(try !matches(condition, facts("/", host: "example.org")))
        #expect(try !matches(condition, facts("/", host: nil)))
        #expect(try matches(.hostHeader(["[::1]"]), facts("/", host: "[::1]:80")))
    }

    @Test("http-header: name and values case-insensitive, any instance of the header")
    func httpHeader() throws {
        let condition = RuleCondition.httpHeader(name: "User-Agent", values: ["*mobile*", "*android*"])
        #expect(try matches(condition, facts("/", headers: ["user-agent: Foo MOBILE Bar"])))
        #expect(try matches(condition, facts("/", headers: ["User-Agent: desktop", "User-Agent: android 14"])))
        #expect(try !matches(condition, facts("/", headers: ["User-Agent: desktop"])))
        #expect(try !matches(condition, facts("/")))
    }

    @Test("http-request-method is an exact, case-sensitive match")
    func method() throws {
        let condition = RuleCondition.httpRequestMethod(["GET", "HEAD"])
        #expect(try matches(condition, facts("/", method: "HEAD")))
        #expect(try !matches(condition, facts("/", method: "POST")))
        #expect(try !matches(.httpRequestMethod(["get"]), facts("/", method: "GET")))
    }

    @Test("query-string: key/value pairs or values, case-insensitive and percent-decoded")
    func queryString() throws {
        let condition = RuleCondition.queryString([QueryStringPair(key: "version", value: "v1*")])
        #expect(try matches(condition, facts("/?a=b&VERSION=V1.2")))
        #expect(try !matches(condition, facts("/?version=v2")))
        #expect(try !matches(condition, facts("/")))
        let valueOnly = RuleCondition.queryString([QueryStringPair(value: "*example*")])
        #expect(try matches(valueOnly, facts("/?q=an%20Example%20here")))
        #expect(try matches(valueOnly, facts("/?anexampleflag")))
        #expect(try !matches(valueOnly, facts("/?q=other")))
    }

    @Test("source-ip matches IPv4 and IPv6 CIDR blocks")
    func sourceIP() throws {
        let condition = RuleCondition.sourceIP(["10.0.0.0/8", "2001:db8::/32"])
        #expect(try matches(condition, facts("/", source: "10.200.3.4")))
        #expect(try !matches(condition, facts("/", source: "11.0.0.1")))
        #expect(try matches(condition, facts("/", source: "2001:db8:1::5")))
        #expect(try !matches(condition, facts("/", source: "2001:db9::1")))
        #expect(try matches(.sourceIP(["10.0.0.1/32"]), facts("/", source: "::ffff:10.0.0.1")))
        #expect(throws: LoadBalancerError.self) { try CompiledCondition(.sourceIP(["10.0.0.0/33"]), rule: "r") }
        #expect(throws: LoadBalancerError.self) { try CompiledCondition(.sourceIP(["not-an-ip/8"]), rule: "r") }
    }

    @Test("rules are evaluated by priority: conditions AND'ed, values OR'ed, then the default")
    func priorities() throws {
        let api = LocalResponse(status: 200, contentType: nil, body: "api")
        let admin = LocalResponse(status: 200, contentType: nil, body: "admin")
        let fallback = LocalResponse(status: 404, contentType: nil, body: "none")
        func rule(_ id: String, _ priority: Int, _ conditions: [RuleCondition], _ response: LocalResponse)
            throws -> RoutingTable.Rule
        {
            RoutingTable.Rule(
                id: id, priority: priority, conditions: try conditions.map { try CompiledCondition($0, rule: id) },
                action: .fixed(response))
        }
        let table = RoutingTable(
            listenerID: "l", port: 80, loadBalancer: LoadBalancerRuntime(id: "lb"), idleTimeout: .seconds(60),
            rules: [
                try rule("api", 20, [.pathPattern(["/api/*", "/v1/*"])], api),
                try rule(
                    "admin", 10, [.pathPattern(["/api/admin*"]), .httpRequestMethod(["POST"])], admin),
            ],
            defaultAction: .fixed(fallback))
        func body(_ facts: RequestFacts) -> String? {
            if case .fixed(let response) = table.action(for: facts) { return response.body.map { String(buffer: $0) } }
            return nil
        }
        #expect(try body(facts("/api/admin/x", method: "POST")) == "admin")
        #expect(try body(facts("/api/admin/x", method: "GET")) == "api")
        #expect(try body(facts("/v1/thing")) == "api")
        #expect(try body(facts("/other")) == "none")
    }
}
