extension AWSWireError {
    /// The same failure as a Query-protocol service (ELBv2, Auto Scaling, STS, SQS) reports it.
    ///
    /// The authentication failures have other codes there, and most are HTTP 403:
    ///
    /// | awsJson (400) | Query |
    /// | --- | --- |
    /// | `MissingAuthenticationTokenException` | `MissingAuthenticationToken` (403) |
    /// | `IncompleteSignatureException` | `IncompleteSignature` (400) |
    /// | `InvalidSignatureException` | `SignatureDoesNotMatch` (403) |
    /// | `UnrecognizedClientException` | `InvalidClientTokenId` (403) |
    /// | `UnknownOperationException` | `InvalidAction` (400) |
    ///
    /// Other errors are returned unchanged.
    public var queryProtocolEquivalent: AWSWireError {
        switch code {
        case "MissingAuthenticationTokenException":
            AWSWireError(
                code: "MissingAuthenticationToken", message: "Request is missing Authentication Token",
                httpStatus: 403)
        case "IncompleteSignatureException":
            AWSWireError(code: "IncompleteSignature", message: message, httpStatus: 400)
        case "InvalidSignatureException":
            AWSWireError(code: "SignatureDoesNotMatch", message: message, httpStatus: 403)
        case "UnrecognizedClientException":
            AWSWireError(code: "InvalidClientTokenId", message: message, httpStatus: 403)
        case "UnknownOperationException":
            AWSWireError(code: "InvalidAction", message: message, httpStatus: 400)
        default:
            self
        }
    }
}
