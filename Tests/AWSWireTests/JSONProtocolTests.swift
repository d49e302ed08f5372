import Foundation
import Testing

@testable import AWSWire

@Suite("awsJson protocol helpers")
struct JSONProtocolTests {
    @Test("names the awsJson content types")
    func contentTypes() {
        #expect(AWSJSONVersion.v1_0.contentType == "application/x-amz-json-1.0")
        #expect(AWSJSONVersion.v1_1.contentType == "application/x-amz-json-1.1")
        #expect(AWSJSONVersion(rawValue: "1.1") == .v1_1)
    }

    @Test("reads the operation from X-Amz-Target")
    func parseTarget() throws {
        #expect(
            try AWSJSONTarget.parse(
                "AmazonEC2ContainerServiceV20141113.ListClusters", expectedPrefix: "AmazonEC2ContainerServiceV20141113")
                == "ListClusters")
        #expect(
            try AWSJSONTarget.parse("Logs_20140328.PutLogEvents", expectedPrefix: "Logs_20140328.") == "PutLogEvents")
        let target = try AWSJSONTarget(header: "GraniteServiceVersion20100801.PutMetricData")
        #expect(target == AWSJSONTarget(servicePrefix: "GraniteServiceVersion20100801", operation: "PutMetricData"))
    }

    @Test("answers UnknownOperationException for a missing, malformed or foreign X-Amz-Target")
    func badTargets() throws {
        for header in [nil, "", "ListClusters", ".ListClusters", "AmazonEC2ContainerServiceV20141113."] {
            let error = try #require(throws: AWSWireError.self) {
                try AWSJSONTarget.parse(header, expectedPrefix: "AmazonEC2ContainerServiceV20141113")
            }
            #expect(error.code == "UnknownOperationException")
            #expect(error.httpStatus == 400)
        }
        #expect(throws: AWSWireError.unknownOperation("Logs_20140328.PutLogEvents")) {
            try AWSJSONTarget.parse("Logs_20140328.PutLogEvents", expectedPrefix: "AmazonEC2ContainerServiceV20141113")
        }
    }

    @Test("renders the error body with __type and an escaped message")
    func errorBody() throws {
        let body = jsonErrorBody(
            AWSWireError(code: "ClusterNotFoundException", message: "Cluster \"a\\b\" not found.\n\u{01}é"))
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"__type":"ClusterNotFoundException","message":"Cluster \"a\\b\" not found.\n\u0001é"}"#)
        let parsed = try JSONDecoder().decode([String: String].self, from: Data(body))
        #expect(parsed == ["__type": "ClusterNotFoundException", "message": "Cluster \"a\\b\" not found.\n\u{01}é"])
    }
}

@Suite("JSONValue")
struct JSONValueTests {
    @Test("decodes every kind of JSON value, keeping integral numbers exact")
    func decodes() throws {
        let text =
            #"{"n":null,"t":true,"f":false,"i":9007199254740993,"neg":-4,"d":1.5,"e":2.5e3,"s":"x","a":[1,"y",[]],"o":{"k":{}}}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(
            value
                == [
                    "n": nil, "t": true, "f": false, "i": .int(9_007_199_254_740_993), "neg": -4, "d": 1.5, "e": 2500,
                    "s": "x", "a": [1, "y", []], "o": ["k": [:]],
                ])
        #expect(value["i"]?.intValue == 9_007_199_254_740_993)
        #expect(value["d"]?.doubleValue == 1.5)
        #expect(value["a"]?[1]?.stringValue == "y")
        #expect(value["a"]?[7] == nil)
        #expect(value["t"]?.boolValue == true)
        #expect(value["n"]?.isNull == true)
        #expect(value["o"]?.objectValue?.keys.sorted() == ["k"])
        #expect(value["a"]?.arrayValue?.count == 3)
        #expect(value["s"]?["k"] == nil)
    }

    @Test("decodes a number beyond Int64 as a double")
    func hugeNumber() throws {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data("18446744073709551616".utf8))
        #expect(value == .double(18_446_744_073_709_551_616))
    }

    @Test("encodes back to the same JSON")
    func roundTrip() throws {
        let value: JSONValue = ["b": [true, nil, 3, 0.25, "s"], "a": ["nested": -1]]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(value)
        #expect(String(decoding: data, as: UTF8.self) == #"{"a":{"nested":-1},"b":[true,null,3,0.25,"s"]}"#)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }
}
