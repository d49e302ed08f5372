/// Encodes a Query-protocol response body:
///
/// ```xml
/// <{Action}Response xmlns="{namespace}">
///   <{Action}Result>…</{Action}Result>
///   <ResponseMetadata><RequestId>{id}</RequestId></ResponseMetadata>
/// </{Action}Response>
/// ```
///
/// (without the whitespace). The result is written member by member under its
/// `CodingKey` names: lists as `<Name><member>…</member></Name>`, `[String: V]` maps as
/// `<Name><entry><key>…</key><value>…</value></entry></Name>` in key order, `nil` members
/// left out, `Date` as `2026-11-25T17:01:23.123Z`, `Bool` as `true`/`false`, `Data` in
/// base64, text escaped. botocore's Query parser reads all of it.
public struct QueryResponseEncoder: Sendable {
    /// The XML namespace of the service, for example
    /// `http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/`.
    public var namespace: String
    /// How property names map to element names.
    public var keyStrategy: QueryKeyStrategy

    /// Creates an encoder for a service's namespace.
    public init(namespace: String, keyStrategy: QueryKeyStrategy = .useDefaultKeys) {
        self.namespace = namespace
        self.keyStrategy = keyStrategy
    }

    /// The namespace AWS uses for a Query service: `http://{service}.amazonaws.com/doc/{version}/`,
    /// for example `elasticloadbalancing` and `2015-12-01`, or `autoscaling` and `2011-01-01`.
    public static func namespace(service: String, version: String) -> String {
        "http://\(service).amazonaws.com/doc/\(version)/"
    }

    /// Encodes the response of an action that has a result.
    public func encode(_ result: some Encodable, action: String, requestId: String) throws(AWSWireError) -> [UInt8] {
        let root = XMLNode(name: action + "Result")
        do {
            try XMLTreeEncoder(node: root, strategy: keyStrategy, codingPath: []).encodeValue(result)
        } catch let error as AWSWireError {
            throw error
        } catch {
            throw .internalFailure("The \(action) result could not be encoded: \(error)")
        }
        return document(action: action, requestId: requestId, result: root)
    }

    /// Encodes the response of an action that has no result element (for example Auto
    /// Scaling's `CreateAutoScalingGroup`): only the response metadata.
    public func encode(action: String, requestId: String) -> [UInt8] {
        document(action: action, requestId: requestId, result: nil)
    }

    private func document(action: String, requestId: String, result: XMLNode?) -> [UInt8] {
        var writer = XMLWriter()
        writer.open(action + "Response", attributes: [(name: "xmlns", value: namespace)])
        result?.write(into: &writer)
        writer.open("ResponseMetadata")
        writer.element("RequestId", text: requestId)
        writer.close()
        writer.close()
        return writer.bytes
    }
}
