import Foundation

/// An error in the shape AWS puts on the wire: an error code (the JSON `__type` or the
/// Query `<Code>`), a message, who is at fault and the HTTP status to answer with.
///
/// The factories below use the codes and statuses that the awsJson services (ECS,
/// DynamoDB, ECR, Logs) really answer with: authentication failures are HTTP **400**
/// there, not 403. Query-protocol services (ELBv2, Auto Scaling) use other codes and 403
/// for the same failures; ``queryProtocolEquivalent`` translates.
public struct AWSWireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Who caused the failure.
    public enum Fault: String, Sendable, Hashable {
        /// The request was wrong (Query `<Type>Sender</Type>`).
        case client
        /// The server failed (Query `<Type>Receiver</Type>`).
        case server

        /// The Query protocol's name for the fault: `Sender` or `Receiver`.
        public var queryType: String {
            switch self {
            case .client: "Sender"
            case .server: "Receiver"
            }
        }
    }

    /// The AWS error code, for example `InvalidSignatureException`.
    public var code: String
    /// What was wrong, in AWS's wording where AWS has one.
    public var message: String
    /// Who is at fault.
    public var fault: Fault
    /// The HTTP status of the response.
    public var httpStatus: Int

    /// Creates an error; the status defaults to 400 for client faults and 500 for server faults.
    public init(code: String, message: String, fault: Fault = .client, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.fault = fault
        self.httpStatus = httpStatus ?? (fault == .client ? 400 : 500)
    }

    public var description: String { "\(code) (\(httpStatus)): \(message)" }
}

extension AWSWireError {
    /// The message AWS sends when the recomputed signature differs from the one received.
    public static let signatureMismatchMessage =
        "The request signature we calculated does not match the signature you provided. "
        + "Check your AWS Secret Access Key and signing method. "
        + "Consult the service documentation for details."

    /// `MissingAuthenticationTokenException` (400): the request carries no SigV4 signature at all.
    public static func missingAuthenticationToken(
        _ message: String = "Missing Authentication Token"
    ) -> AWSWireError {
        AWSWireError(code: "MissingAuthenticationTokenException", message: message)
    }

    /// `IncompleteSignatureException` (400): the signature is present but malformed or incomplete.
    public static func incompleteSignature(_ message: String) -> AWSWireError {
        AWSWireError(code: "IncompleteSignatureException", message: message)
    }

    /// `InvalidSignatureException` (400): the signature is well formed but wrong.
    public static func invalidSignature(_ message: String = signatureMismatchMessage) -> AWSWireError {
        AWSWireError(code: "InvalidSignatureException", message: message)
    }

    /// `InvalidSignatureException` (400) for a request signed too far from the server's clock,
    /// in AWS's wording for both directions:
    /// `Signature expired: 20130524T000000Z is now earlier than 20130524T000500Z (20130524T002000Z - 15 min.)`
    /// and
    /// `Signature not yet current: 20130524T003000Z is still later than 20130524T001500Z (20130524T000000Z + 15 min.)`.
    public static func signatureExpired(signedAt: Date, now: Date, maxClockSkew: TimeInterval) -> AWSWireError {
        let minutes = Int((maxClockSkew / 60).rounded())
        let signed = AWSTimestamp.basicISO8601(signedAt)
        let current = AWSTimestamp.basicISO8601(now)
        if signedAt <= now {
            let bound = AWSTimestamp.basicISO8601(now.addingTimeInterval(-maxClockSkew))
            return invalidSignature(
                "Signature expired: \(signed) is now earlier than \(bound) (\(current) - \(minutes) min.)")
        }
        let bound = AWSTimestamp.basicISO8601(now.addingTimeInterval(maxClockSkew))
        return invalidSignature(
            "Signature not yet current: \(signed) is still later than \(bound) (\(current) + \(minutes) min.)")
    }

    /// `UnrecognizedClientException` (400): the access key id is not known.
    public static func unrecognizedClient(
        _ message: String = "The security token included in the request is invalid."
    ) -> AWSWireError {
        AWSWireError(code: "UnrecognizedClientException", message: message)
    }

    /// `XAmzContentSHA256Mismatch` (400, S3's code): the `x-amz-content-sha256` header is not
    /// the SHA-256 of the body that arrived.
    public static func contentSHA256Mismatch() -> AWSWireError {
        AWSWireError(
            code: "XAmzContentSHA256Mismatch",
            message: "The provided 'x-amz-content-sha256' header does not match what was computed.")
    }

    /// `UnknownOperationException` (400): the awsJson `X-Amz-Target` names no known operation.
    public static func unknownOperation(_ target: String?) -> AWSWireError {
        let message: String
        if let target, !target.isEmpty {
            message = "The operation '\(target)' is not supported by this endpoint."
        } else {
            message = "The request has no X-Amz-Target header naming an operation."
        }
        return AWSWireError(code: "UnknownOperationException", message: message)
    }

    /// `SerializationException` (400): the body could not be read as the operation's input.
    public static func serialization(_ message: String) -> AWSWireError {
        AWSWireError(code: "SerializationException", message: message)
    }

    /// `ValidationError` (400), the Query services' code for input that breaks a constraint.
    public static func validation(_ message: String) -> AWSWireError {
        AWSWireError(code: "ValidationError", message: message)
    }

    /// `MissingAction` (400): a Query request without an `Action` parameter.
    public static func missingAction() -> AWSWireError {
        AWSWireError(code: "MissingAction", message: "The request is missing an action or a required parameter.")
    }

    /// `InvalidAction` (400): a Query request whose `Action` is not known.
    public static func invalidAction(_ action: String) -> AWSWireError {
        AWSWireError(
            code: "InvalidAction",
            message: "The action \(action) is not valid for this web service.")
    }

    /// `RequestEntityTooLargeException` (413): the body is larger than the server accepts.
    public static func requestTooLarge(limit: Int = AWSWireLimits.maxRequestBodyBytes) -> AWSWireError {
        AWSWireError(
            code: "RequestEntityTooLargeException",
            message: "Request must be smaller than \(limit) bytes.",
            httpStatus: 413)
    }

    /// `InternalFailure` (500): the server failed for a reason the client cannot fix.
    public static func internalFailure(
        _ message: String =
            "The request processing has failed because of an unknown error, exception or failure."
    ) -> AWSWireError {
        AWSWireError(code: "InternalFailure", message: message, fault: .server)
    }
}
