import Foundation
import Testing

@testable import AWSWire

@Suite("AWS wire errors")
struct AWSWireErrorTests {
    @Test("defaults the status to 400 for client faults and 500 for server faults")
    func defaultStatus() {
        #expect(AWSWireError(code: "X", message: "m").httpStatus == 400)
        #expect(AWSWireError(code: "X", message: "m", fault: .server).httpStatus == 500)
        #expect(AWSWireError(code: "X", message: "m", httpStatus: 409).httpStatus == 409)
        #expect(AWSWireError(code: "X", message: "m").description == "X (400): m")
    }

    @Test("uses the codes and statuses the awsJson services answer with")
    func factories() {
        let cases: [(AWSWireError, String, Int)] = [
            (.missingAuthenticationToken(), "MissingAuthenticationTokenException", 400),
            (.incompleteSignature("m"), "IncompleteSignatureException", 400),
            (.invalidSignature(), "InvalidSignatureException", 400),
            (.unrecognizedClient(), "UnrecognizedClientException", 400),
            (.unknownOperation("X.Y"), "UnknownOperationException", 400),
            (.serialization("m"), "SerializationException", 400),
            (.validation("m"), "ValidationError", 400),
            (.missingAction(), "MissingAction", 400),
            (.invalidAction("Nope"), "InvalidAction", 400),
            (.contentSHA256Mismatch(), "XAmzContentSHA256Mismatch", 400),
            (.requestTooLarge(), "RequestEntityTooLargeException", 413),
            (.internalFailure(), "InternalFailure", 500),
        ]
        for (error, code, status) in cases {
            #expect(error.code == code)
            #expect(error.httpStatus == status)
        }
        #expect(AWSWireError.internalFailure().fault == .server)
        #expect(AWSWireError.requestTooLarge().message == "Request must be smaller than 10485760 bytes.")
        #expect(AWSWireLimits.maxRequestBodyBytes == 10_485_760)
    }

    @Test("translates authentication failures to the Query protocol's codes and statuses")
    func queryEquivalents() {
        let cases: [(AWSWireError, String, Int)] = [
            (.missingAuthenticationToken(), "MissingAuthenticationToken", 403),
            (.incompleteSignature("m"), "IncompleteSignature", 400),
            (.invalidSignature(), "SignatureDoesNotMatch", 403),
            (.unrecognizedClient(), "InvalidClientTokenId", 403),
            (.unknownOperation(nil), "InvalidAction", 400),
            (.validation("m"), "ValidationError", 400),
        ]
        for (error, code, status) in cases {
            #expect(error.queryProtocolEquivalent.code == code)
            #expect(error.queryProtocolEquivalent.httpStatus == status)
        }
        #expect(
            AWSWireError.missingAuthenticationToken().queryProtocolEquivalent.message
                == "Request is missing Authentication Token")
        #expect(
            AWSWireError.invalidSignature().queryProtocolEquivalent.message == AWSWireError.signatureMismatchMessage)
        #expect(AWSWireError.Fault.client.queryType == "Sender")
        #expect(AWSWireError.Fault.server.queryType == "Receiver")
    }

    @Test("makes lowercase UUID request ids")
    func requestIDs() throws {
        let id = RequestID.make()
        #expect(id == id.lowercased())
        #expect(UUID(uuidString: id) != nil)
        #expect(id.count == 36)
        // Version 4, RFC 4122 variant: `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`.
        let bytes = Array(id.utf8)
        #expect(bytes[14] == UInt8(ascii: "4"))
        #expect(Array("89ab".utf8).contains(bytes[19]))
        let many = Set((0..<1000).map { _ in RequestID.make() })
        #expect(many.count == 1000)
        #expect(!many.contains(id))
    }
}
