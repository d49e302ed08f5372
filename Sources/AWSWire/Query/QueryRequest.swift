/// A Query-protocol request (ELBv2, Auto Scaling, CloudWatch's older SDKs): the `Action`,
/// the `Version`, and every other form parameter, flat, as botocore's query serializer
/// writes them (`Tags.member.1.Key=…`).
public struct QueryRequest: Sendable, Equatable {
    /// The operation, for example `CreateTargetGroup`.
    public var action: String
    /// The API version, for example `2015-12-01`; empty when the request has none.
    public var version: String
    /// Every parameter but `Action` and `Version`, decoded.
    public var parameters: [String: String]

    /// Creates a request.
    public init(action: String, version: String, parameters: [String: String]) {
        self.action = action
        self.version = version
        self.parameters = parameters
    }

    /// Reads the parameters of the URL query and of an `application/x-www-form-urlencoded`
    /// body (`+` is a space, `%XX` a byte of UTF-8). A name in both takes the body's value;
    /// a name repeated in one place takes its last value. Throws `MissingAction` (400)
    /// when there is no `Action`.
    public static func parse(body: some Collection<UInt8>, query: String = "") throws(AWSWireError) -> QueryRequest {
        var parameters: [String: String] = [:]
        for source in [query, String(decoding: body, as: UTF8.self)] {
            for pair in PercentEncoding.formPairs(source, plusAsSpace: true) {
                parameters[String(decoding: pair.name, as: UTF8.self)] = String(decoding: pair.value, as: UTF8.self)
            }
        }
        guard let action = parameters.removeValue(forKey: "Action"), !action.isEmpty else {
            throw .missingAction()
        }
        let version = parameters.removeValue(forKey: "Version") ?? ""
        return QueryRequest(action: action, version: version, parameters: parameters)
    }

    /// Reads a form body given as a string; see ``parse(body:query:)``.
    public static func parse(body: String, query: String = "") throws(AWSWireError) -> QueryRequest {
        try parse(body: Array(body.utf8), query: query)
    }
}
