import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import AdmiralLoadBalancer

@Suite("Target health and selection (pure state machines)")
struct TargetGroupStateTests {
    let a = TargetConfiguration(id: "a", host: "10.0.0.1", port: 80)
    let b = TargetConfiguration(id: "b", host: "10.0.0.2", port: 80)
    let c = TargetConfiguration(id: "c", host: "10.0.0.3", port: 80)

    func at(_ seconds: Double) -> NIODeadline { .uptimeNanoseconds(UInt64(1_000_000_000 + seconds * 1_000_000_000)) }

    func group(
        _ targets: [TargetConfiguration], healthy: Int = 3, unhealthy: Int = 2,
        attributes: TargetGroupAttributes = TargetGroupAttributes(), enabled: Bool = true
    ) -> TargetGroupConfiguration {
        TargetGroupConfiguration(
            id: "tg", port: 80,
            healthCheck: HealthCheckSettings(
                enabled: enabled, healthyThreshold: healthy, unhealthyThreshold: unhealthy),
            attributes: attributes, targets: targets)
    }

    func health(_ state: TargetGroupState, _ target: TargetConfiguration) -> TargetHealth? {
        state.descriptions().first { $0.target == target }?.health
    }

    func pass(_ state: inout TargetGroupState, _ target: TargetConfiguration, _ times: Int, at time: Double = 0) {
        for _ in 0..<times { _ = state.record(.success, for: state.endpoint(for: target)!, now: at(time)) }
    }

    @Test("a new target is initial until healthy-threshold consecutive passes")
    func tracker() {
        var tracker = TargetHealthTracker()
        #expect(tracker.health == .registering)
        let changed = tracker.record(.success, healthyThreshold: 3, unhealthyThreshold: 2)
        #expect(changed)
        #expect(tracker.health == .initialChecking)
        tracker.record(.success, healthyThreshold: 3, unhealthyThreshold: 2)
        #expect(tracker.health.state == .initial)
        tracker.record(.success, healthyThreshold: 3, unhealthyThreshold: 2)
        #expect(tracker.health == .healthy)
        tracker.record(.timeout, healthyThreshold: 3, unhealthyThreshold: 2)
        #expect(tracker.health == .healthy)
        tracker.record(.responseCodeMismatch(500), healthyThreshold: 3, unhealthyThreshold: 2)
        #expect(tracker.health == .responseCodeMismatch(500))
        #expect(tracker.health.description == "Health checks failed with these codes: [500]")
        #expect(tracker.health.reason?.rawValue == "Target.ResponseCodeMismatch")
        tracker.record(.failed, healthyThreshold: 3, unhealthyThreshold: 2)
        #expect(tracker.health.reason == .failedHealthChecks)
        tracker.record(.success, healthyThreshold: 3, unhealthyThreshold: 2)
        tracker.record(.timeout, healthyThreshold: 3, unhealthyThreshold: 2)
        #expect(tracker.health == .timedOut)
    }

    @Test("a new target that keeps failing becomes unhealthy after unhealthy-threshold failures")
    func initialToUnhealthy() {
        var tracker = TargetHealthTracker()
        tracker.record(.failed, healthyThreshold: 5, unhealthyThreshold: 2)
        #expect(tracker.health.state == .initial)
        tracker.record(.failed, healthyThreshold: 5, unhealthyThreshold: 2)
        #expect(tracker.health == .failed)
    }

    @Test("only healthy targets get requests, and with none healthy all registered ones do (fail open)")
    func failOpen() {
        var state = TargetGroupState(configuration: group([a, b]), inUse: true, now: at(0))
        var seen = Set<String>()
        for _ in 0..<4 { seen.insert(state.select(stickyToken: nil, now: at(0))!.target.id) }
        #expect(seen == ["a", "b"])
        pass(&state, a, 3)
        #expect(health(state, a) == .healthy)
        for _ in 0..<4 { #expect(state.select(stickyToken: nil, now: at(1))?.target == a) }
        #expect(state.healthyCount == 1)
    }

    @Test("round robin alternates; least outstanding requests picks the least busy")
    func algorithms() {
        var state = TargetGroupState(configuration: group([a, b, c]), inUse: true, now: at(0))
        let picks = (0..<6).map { _ in state.select(stickyToken: nil, now: at(0))!.target.id }
        #expect(picks == ["a", "b", "c", "a", "b", "c"])

        var lor = TargetGroupState(
            configuration: group([a, b, c], attributes: TargetGroupAttributes(algorithm: .leastOutstandingRequests)),
            inUse: true, now: at(0))
        lor.endpoint(for: a)!.outstanding.add(5)
        lor.endpoint(for: c)!.outstanding.add(2)
        #expect(lor.select(stickyToken: nil, now: at(0))?.target == b)
        lor.endpoint(for: b)!.outstanding.add(9)
        #expect(lor.select(stickyToken: nil, now: at(0))?.target == c)
    }

    @Test("a sticky token picks its target while it may get requests")
    func stickiness() {
        var state = TargetGroupState(configuration: group([a, b]), inUse: true, now: at(0))
        let token = state.endpoint(for: b)!.stickyToken
        for _ in 0..<3 { #expect(state.select(stickyToken: token, now: at(0))?.target == b) }
        pass(&state, a, 3)
        // b is not healthy while a is: the cookie no longer holds.
        #expect(state.select(stickyToken: token, now: at(0))?.target == a)
        #expect(state.select(stickyToken: "unknown", now: at(0))?.target == a)
    }

    @Test("a target that leaves the group drains for the deregistration delay, then goes")
    func draining() {
        let attributes = TargetGroupAttributes(deregistrationDelay: .seconds(30))
        var state = TargetGroupState(configuration: group([a, b], attributes: attributes), inUse: true, now: at(0))
        let drained = state.endpoint(for: b)!
        let result = state.apply(group([a], attributes: attributes), inUse: true, now: at(1))
        #expect(result.drainingEndpoints.map(\.target) == [b])
        #expect(result.changes.map(\.current) == [.draining])
        #expect(result.nextDrainDeadline == at(31))
        #expect(health(state, b) == .draining)
        #expect(health(state, b)?.reason?.rawValue == "Target.DeregistrationInProgress")
        #expect(drained.isDraining)
        for _ in 0..<4 { #expect(state.select(stickyToken: drained.stickyToken, now: at(2))?.target == a) }
        #expect(state.expireDrains(now: at(30)).changes.isEmpty)
        let expired = state.expireDrains(now: at(31))
        #expect(expired.retiredEndpoints.map(\.target) == [b])
        #expect(expired.changes.first?.current == nil)
        #expect(health(state, b) == nil)
        #expect(drained.isRetired)
    }

    @Test("with a zero delay a deregistered target goes at once; registered again while draining it starts over")
    func reRegistration() {
        var state = TargetGroupState(
            configuration: group([a, b], attributes: TargetGroupAttributes(deregistrationDelay: .zero)), inUse: true,
            now: at(0))
        let removed = state.apply(
            group([a], attributes: TargetGroupAttributes(deregistrationDelay: .zero)), inUse: true, now: at(1))
        #expect(removed.retiredEndpoints.map(\.target) == [b])
        #expect(health(state, b) == nil)

        let delayed = TargetGroupAttributes(deregistrationDelay: .seconds(60))
        var other = TargetGroupState(configuration: group([a, b], attributes: delayed), inUse: true, now: at(0))
        let old = other.endpoint(for: b)!
        _ = other.apply(group([a], attributes: delayed), inUse: true, now: at(1))
        let back = other.apply(group([a, b], attributes: delayed), inUse: true, now: at(2))
        #expect(back.retiredEndpoints.first === old)
        #expect(health(other, b) == .registering)
        #expect(other.endpoint(for: b) !== old)
    }

    @Test("a group no listener uses reports its targets unused (Target.NotInUse)")
    func unused() {
        var state = TargetGroupState(configuration: group([a]), inUse: false, now: at(0))
        #expect(health(state, a) == .notInUse)
        #expect(state.targetsToCheck().isEmpty)
        let used = state.apply(group([a]), inUse: true, now: at(1))
        #expect(used.changes.map(\.current) == [.registering])
        #expect(state.targetsToCheck().map(\.target) == [a])
    }

    @Test("a target deregistered from a group no listener used leaves at once, whatever the delay")
    func unusedGroupDoesNotDrain() {
        let delayed = TargetGroupAttributes(deregistrationDelay: .seconds(300))
        var state = TargetGroupState(configuration: group([a, b], attributes: delayed), inUse: false, now: at(0))
        let left = state.apply(group([a], attributes: delayed), inUse: false, now: at(1))
        #expect(left.retiredEndpoints.map(\.target) == [b])
        #expect(health(state, b) == nil)
        #expect(state.descriptions().map(\.target) == [a])
    }

    @Test("with health checks off targets are unavailable and all get requests")
    func disabled() {
        var state = TargetGroupState(configuration: group([a, b], enabled: false), inUse: true, now: at(0))
        #expect(health(state, a) == .healthCheckDisabled)
        #expect(state.targetsToCheck().isEmpty)
        let picks = Set((0..<4).map { _ in state.select(stickyToken: nil, now: at(0))!.target.id })
        #expect(picks == ["a", "b"])
    }

    @Test("slow start ramps a newly healthy target's share linearly over the duration")
    func slowStart() {
        let attributes = TargetGroupAttributes(slowStartDuration: .seconds(100))
        var state = TargetGroupState(
            configuration: group([a, b], healthy: 1, attributes: attributes), inUse: true, now: at(0))
        pass(&state, a, 1, at: 0)
        // The first healthy target does not enter slow start (no other healthy target).
        #expect(state.slowStartShare(of: a, now: at(0)) == 1)
        pass(&state, b, 1, at: 10)
        #expect(abs(state.slowStartShare(of: b, now: at(35)) - 0.25) < 0.001)
        func shareOfB(at time: Double) -> Double {
            var count = 0
            for _ in 0..<1000 where state.select(stickyToken: nil, now: at(time))?.target == b { count += 1 }
            return Double(count) / 1000
        }
        // Weights 1000 (a) and 250 (b) at 25% of the ramp: b gets a fifth of the requests.
        #expect(abs(shareOfB(at: 35) - 0.2) < 0.02)
        #expect(abs(shareOfB(at: 85) - 0.75 / 1.75) < 0.02)
        #expect(abs(shareOfB(at: 200) - 0.5) < 0.01)
    }

    @Test("health check matchers accept codes, ranges and lists between 200 and 499")
    func matcher() throws {
        let list = try HealthCodeMatcher("200,202,300-399")
        #expect(list.accepts(200) && list.accepts(202) && list.accepts(302))
        #expect(!list.accepts(201) && !list.accepts(404))
        for invalid in ["", "abc", "199", "500", "300-200", "200-", "200,,201"] {
            #expect(throws: LoadBalancerError.self) { try HealthCodeMatcher(invalid) }
        }
    }

    @Test("redirects substitute #{protocol}, #{host}, #{port}, #{path} and #{query}")
    func redirects() {
        let parts = RedirectBuilder.RequestParts(
            protocol: "http", host: "example.com", port: 8080, path: "a/b", query: "x=1")
        #expect(
            RedirectBuilder(action: RedirectAction(statusCode: .permanent)).location(for: parts)
                == "http://example.com:8080/a/b?x=1")
        let https = RedirectAction(protocol: "HTTPS", port: "443", statusCode: .permanent)
        #expect(RedirectBuilder(action: https).location(for: parts) == "https://example.com/a/b?x=1")
        let moved = RedirectAction(
            host: "new.#{host}", path: "/v2/#{path}", query: "#{query}&from=#{port}", statusCode: .temporary)
        #expect(
            RedirectBuilder(action: moved).location(for: parts) == "http://new.example.com:8080/v2/a/b?x=1&from=8080")
        let noQuery = RedirectBuilder.RequestParts(protocol: "http", host: "h", port: 80, path: "", query: "")
        #expect(RedirectBuilder(action: RedirectAction(statusCode: .permanent)).location(for: noQuery) == "http://h/")
    }

    @Test("cookie expiry dates are IMF-fixdates")
    func httpDate() {
        #expect(StickyCookie.httpDate(epochSeconds: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(StickyCookie.httpDate(epochSeconds: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(
            StickyCookie.setCookie(name: "AWSALB", value: "t", lifetime: .seconds(60), now: 0)
                == "AWSALB=t; Expires=Thu, 01 Jan 1970 00:01:00 GMT; Path=/")
    }
}
