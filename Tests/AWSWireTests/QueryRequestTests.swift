import Testing

@testable import AWSWire

@Suite("Query protocol requests")
struct QueryRequestTests {
    @Test("reads Action, Version and form-decoded parameters from the body")
    func parseBody() throws {
        let request = try QueryRequest.parse(
            body: "Action=DescribeTags&Version=2015-12-01&ResourceArns.member.1=arn%3Aaws%3Ax&Name=a+b%2Bc%20d")
        #expect(request.action == "DescribeTags")
        #expect(request.version == "2015-12-01")
        #expect(request.parameters == ["ResourceArns.member.1": "arn:aws:x", "Name": "a b+c d"])
    }

    @Test("merges the URL query with the body, the body winning")
    func queryAndBody() throws {
        let request = try QueryRequest.parse(
            body: Array("Name=body&Only=b".utf8), query: "Action=ListThings&Version=1&Name=query&Extra")
        #expect(request.action == "ListThings")
        #expect(request.parameters == ["Name": "body", "Only": "b", "Extra": ""])
    }

    @Test("answers MissingAction when there is no Action")
    func missingAction() {
        #expect(throws: AWSWireError.missingAction()) { try QueryRequest.parse(body: "Version=2015-12-01") }
        #expect(throws: AWSWireError.missingAction()) { try QueryRequest.parse(body: "Action=&Version=1") }
        #expect(AWSWireError.missingAction().code == "MissingAction")
        #expect(AWSWireError.missingAction().httpStatus == 400)
    }

    @Test("leaves the version empty when the request has none")
    func noVersion() throws {
        #expect(try QueryRequest.parse(body: "Action=X").version == "")
    }
}
