import AdmiralModel
import Foundation
import Testing

@Suite("Numbers and times as CloudWatch's alarm documents print them")
struct AlarmFormatTests {
    typealias F = AlarmFixture

    @Test(
        "doubles print as Java's Double.toString",
        arguments: [
            (0.0, "0.0"), (-0.0, "-0.0"), (1, "1.0"), (50, "50.0"), (-3, "-3.0"), (10.25, "10.25"),
            (0.2872183414376726, "0.2872183414376726"), (8.891518474692088, "8.891518474692088"),
            (40.760000000000005, "40.760000000000005"), (0.001, "0.001"), (0.000_999, "9.99E-4"),
            (0.0001, "1.0E-4"), (1.2345e-5, "1.2345E-5"), (9_999_999, "9999999.0"), (10_000_000, "1.0E7"),
            (12_345_678.9, "1.23456789E7"), (1e21, "1.0E21"), (-2.5e-7, "-2.5E-7"), (2_126_585, "2126585.0"),
            (Double.infinity, "Infinity"), (-Double.infinity, "-Infinity"),
        ])
    func javaDouble(value: Double, expected: String) {
        #expect(AlarmFormat.javaDouble(value) == expected)
    }

    @Test("state reasons print times as dd/MM/yy HH:mm:ss in UTC")
    func reasonTimestamp() {
        #expect(AlarmFormat.reasonTimestamp(F.utc(2026, 12, 7, 7, 40)) == "07/12/26 07:40:00")
        #expect(AlarmFormat.reasonTimestamp(F.utc(2009, 1, 2, 23, 5, 9.999)) == "02/01/09 23:05:09")
    }

    @Test("JSON documents print times with milliseconds and +0000")
    func jsonTimestamp() {
        #expect(AlarmFormat.jsonTimestamp(F.utc(2026, 12, 7, 7, 40)) == "2026-12-07T07:40:00.000+0000")
        #expect(AlarmFormat.jsonTimestamp(F.utc(2019, 6, 19, 11, 25, 27.437)) == "2019-06-19T11:25:27.437+0000")
        #expect(AlarmFormat.jsonTimestamp(F.utc(2024, 2, 29, 0, 0, 0.001)) == "2024-02-29T00:00:00.001+0000")
        #expect(AlarmFormat.jsonTimestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000+0000")
        #expect(AlarmFormat.jsonTimestamp(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500+0000")
    }

    @Test("epoch milliseconds round to the millisecond a JSON time shows")
    func epochMilliseconds() {
        #expect(AlarmFormat.epochMilliseconds(F.utc(2022, 11, 6, 17, 43, 53.496)) == 1_667_756_633_496)
    }

    @Test("JSON keeps key order, escapes quotes, backslashes and control characters, and leaves out nil fields")
    func json() {
        let document = AlarmJSON.fields([
            ("b", .string("say \"hi\"\\ \n\t\u{01} é/")), ("a", .double(70)), ("n", .integer(300)),
            ("skipped", nil), ("list", .array([.bool(true), .null, .raw("{\"x\":1}")])),
        ])
        #expect(
            document.rendered
                == "{\"b\":\"say \\\"hi\\\"\\\\ \\n\\t\\u0001 é/\",\"a\":70.0,\"n\":300,"
                + "\"list\":[true,null,{\"x\":1}]}")
    }
}
