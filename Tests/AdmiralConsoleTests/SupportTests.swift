import Foundation
import Synchronization
import Testing

@testable import AdmiralConsole

@Suite("Console support")
struct SupportTests {
    @Test("form bodies decode plus signs, percent escapes and repeated fields")
    func decodesForms() {
        let form = FormData(urlEncoded: "a=1+2&b=%3Cscript%3E&c=&a=3&bad=%zz")
        #expect(form["a"] == "1 2")
        #expect(form["b"] == "<script>")
        #expect(form["c"] == "")
        #expect(form["bad"] == "%zz")
        #expect(form["missing"] == nil)
    }

    @Test("sessions expire after their lifetime and end when signed out")
    func sessionsExpire() {
        let now = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let store = SessionStore(lifetime: .seconds(60)) { now.withLock { $0 } }
        let user = ConsoleUser(name: "a", accessKeyId: "k", secretAccessKey: "s")
        let first = store.start(for: user)
        let second = store.start(for: user)
        #expect(first.id != second.id)
        #expect(first.csrfToken != first.id)
        #expect(first.id.count == 64)
        #expect(store.session(first.id) == first)
        now.withLock { $0 = $0.addingTimeInterval(61) }
        #expect(store.session(first.id) == nil)
        let third = store.start(for: user)
        store.end(third.id)
        #expect(store.session(third.id) == nil)
    }

    @Test("environment names that look secret are masked")
    func masksSecrets() {
        #expect(SecretMasking.display(name: "DB_PASSWORD", value: "x", reveal: false) == SecretMasking.mask)
        #expect(SecretMasking.display(name: "api_token", value: "x", reveal: false) == SecretMasking.mask)
        #expect(SecretMasking.display(name: "AWS_SECRET_ACCESS_KEY", value: "x", reveal: false) == SecretMasking.mask)
        #expect(SecretMasking.display(name: "MODE", value: "x", reveal: false) == "x")
        #expect(SecretMasking.display(name: "DB_PASSWORD", value: "x", reveal: true) == "x")
    }

    @Test("tokens compare equal only when equal")
    func comparesTokens() {
        #expect(constantTimeEquals("abc", "abc"))
        #expect(!constantTimeEquals("abc", "abd"))
        #expect(!constantTimeEquals("abc", "abcd"))
    }
}

@Suite("Console diff and charts")
struct DiffAndChartTests {
    @Test("a line diff keeps common lines and marks the rest removed or added")
    func diffsLines() throws {
        let lines = try #require(LineDiff.diff("a\nb\nc\nd", "a\nc\nd\ne"))
        #expect(lines == [.same("a"), .removed("b"), .same("c"), .same("d"), .added("e")])
        #expect(LineDiff.diff("x", "x") == [.same("x")])
    }

    @Test("a chart draws a polyline per series and a dashed line per threshold, labels escaped")
    func drawsCharts() {
        let start = Date(timeIntervalSince1970: 0)
        let chart = Chart(
            title: "CPU <utilization>", unit: "%", start: start, end: start.addingTimeInterval(600),
            series: [
                Chart.Series(
                    label: "Average", points: [(start.addingTimeInterval(60), 10), (start.addingTimeInterval(120), 50)])
            ],
            thresholds: [Chart.Threshold(label: "high <cpu>", value: 80)]
        ).render().markup
        #expect(chart.contains("<polyline class=\"series s0\" points=\""))
        #expect(chart.contains("<line class=\"threshold\""))
        #expect(chart.contains("CPU &lt;utilization&gt;"))
        #expect(chart.contains("high &lt;cpu&gt;"))
        #expect(!chart.contains("<cpu>"))
        #expect(Chart.compact(1500) == "1.5k")
        #expect(Chart.compact(0) == "0")
    }
}
