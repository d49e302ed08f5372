/// Encodes an answer of EC2's protocol:
///
/// ```xml
/// <{Action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
///   <requestId>{id}</requestId>
///   …members…
/// </{Action}Response>
/// ```
///
/// (without the whitespace): no result wrapper, the members directly under the response
/// element under their `CodingKey` names (the model's `locationName`s), lists as
/// `<name><item>…</item></name>`, `nil` members left out, `Date` as ISO 8601, `Bool` as
/// `true`/`false`. botocore's EC2 parser reads it.
///
/// Requests of the protocol are read by ``QueryDecoder`` with
/// ``QueryKeyStrategy/upperCamelCase``: EC2 requests name a member by its `locationName`
/// with the first letter upper-cased, and write every list flattened (`SubnetId.1`,
/// `Filter.1.Value.1`), which the decoder reads.
public struct EC2ResponseEncoder: Sendable {
    /// The XML namespace, for example `http://ec2.amazonaws.com/doc/2016-11-15/`.
    public var namespace: String

    /// Creates an encoder for a namespace.
    public init(namespace: String) {
        self.namespace = namespace
    }

    /// Encodes the answer of an action.
    public func encode(_ output: some Encodable, action: String, requestId: String) throws(AWSWireError) -> [UInt8] {
        let root = XMLNode(name: action + "Response")
        root.appendChild("requestId").text = requestId
        do {
            try XMLTreeEncoder(node: root, strategy: .useDefaultKeys, codingPath: [], listElement: "item")
                .encodeValue(output)
        } catch let error as AWSWireError {
            throw error
        } catch {
            throw .internalFailure("The \(action) answer could not be encoded: \(error)")
        }
        var writer = XMLWriter()
        writer.open(root.name, attributes: [(name: "xmlns", value: namespace)])
        for child in root.children { child.write(into: &writer) }
        writer.close()
        return writer.bytes
    }

    /// Encodes the answer of an action without output (`DeleteVpc`, `CreateTags`): EC2
    /// answers `<return>true</return>`.
    public func encode(action: String, requestId: String) -> [UInt8] {
        var writer = XMLWriter()
        writer.open(action + "Response", attributes: [(name: "xmlns", value: namespace)])
        writer.element("requestId", text: requestId)
        writer.element("return", text: "true")
        writer.close()
        return writer.bytes
    }
}

/// The EC2 error body, as UTF-8 (always with HTTP 400 for client errors, 500 for
/// server faults):
///
/// ```xml
/// <Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…</RequestID></Response>
/// ```
public func ec2ErrorBody(_ error: AWSWireError, requestId: String) -> [UInt8] {
    var writer = XMLWriter()
    writer.open("Response")
    writer.open("Errors")
    writer.open("Error")
    writer.element("Code", text: error.code)
    writer.element("Message", text: error.message)
    writer.close()
    writer.close()
    writer.element("RequestID", text: requestId)
    writer.close()
    return writer.bytes
}
