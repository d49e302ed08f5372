/// The awsJson error body, `{"__type":"<code>","message":"<message>"}`, as UTF-8.
///
/// Send it with the error's ``AWSWireError/httpStatus``, the protocol's `Content-Type` and
/// an `x-amzn-RequestId` header; botocore reads the code from `__type` (after any `#`).
public func jsonErrorBody(_ error: AWSWireError) -> [UInt8] {
    Array("{\"__type\":\(jsonStringLiteral(error.code)),\"message\":\(jsonStringLiteral(error.message))}".utf8)
}

/// A string as a JSON string literal, quotes included, escaped per RFC 8259.
func jsonStringLiteral(_ string: String) -> String {
    var output = "\""
    for scalar in string.unicodeScalars {
        switch scalar {
        case "\"": output += "\\\""
        case "\\": output += "\\\\"
        case "\n": output += "\\n"
        case "\r": output += "\\r"
        case "\t": output += "\\t"
        case "\u{08}": output += "\\b"
        case "\u{0C}": output += "\\f"
        case "\u{00}"..."\u{1F}", "\u{2028}", "\u{2029}":
            let hex = String(scalar.value, radix: 16)
            output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default:
            output.unicodeScalars.append(scalar)
        }
    }
    return output + "\""
}
