/// The Query-protocol error body, as UTF-8:
///
/// ```xml
/// <ErrorResponse xmlns="…">
///   <Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>
///   <RequestId>…</RequestId>
/// </ErrorResponse>
/// ```
///
/// (without the whitespace), `Receiver` for server faults.
///
/// Pass the service's namespace (``QueryResponseEncoder/namespace(service:version:)``) as
/// AWS does; without one the `xmlns` attribute is left out, which botocore accepts. For the
/// authentication errors, render ``AWSWireError/queryProtocolEquivalent``.
public func queryErrorBody(_ error: AWSWireError, requestId: String, namespace: String? = nil) -> [UInt8] {
    var writer = XMLWriter()
    writer.open("ErrorResponse", attributes: namespace.map { [(name: "xmlns", value: $0)] } ?? [])
    writer.open("Error")
    writer.element("Type", text: error.fault.queryType)
    writer.element("Code", text: error.code)
    writer.element("Message", text: error.message)
    writer.close()
    writer.element("RequestId", text: requestId)
    writer.close()
    return writer.bytes
}
