import Foundation

/// The namespace of the CloudWatch wire shapes (generated from botocore's model into
/// `Generated/`), the rules CloudWatch applies to them and the constants of the API.
///
/// CloudWatch speaks awsJson 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Action>`,
/// what the `aws` CLI and boto3 send) and the Query protocol (`Version=2010-08-01`); both
/// name members in PascalCase, so one set of shapes serves both.
public enum CloudWatch {
    /// The SigV4 signing name (the credential scope's service).
    public static let signingName = "monitoring"
    /// The awsJson target prefix.
    public static let targetPrefix = "GraniteServiceVersion20100801"
    /// The API version, sent as the Query protocol's `Version` parameter.
    public static let version = "2010-08-01"
    /// The XML namespace of Query responses.
    public static let xmlNamespace = "http://monitoring.amazonaws.com/doc/2010-08-01/"
}

/// The error codes of CloudWatch, as the Query protocol's `<Code>` (and the awsJson
/// `x-amzn-query-error` header) carries them; botocore reports these codes.
extension AdmiralError.Code {
    /// A parameter has a value CloudWatch does not accept.
    public static let invalidParameterValue = Self(rawValue: "InvalidParameterValue")
    /// Parameters that cannot be used together, or one that needs another.
    public static let invalidParameterCombination = Self(rawValue: "InvalidParameterCombination")
    /// A required parameter is missing.
    public static let missingParameter = Self(rawValue: "MissingParameter")
    /// The named alarm, dashboard or resource does not exist.
    public static let cloudWatchResourceNotFound = Self(rawValue: "ResourceNotFound")
    /// A quota would be exceeded.
    public static let limitExceededFault = Self(rawValue: "LimitExceeded")
    /// A pagination token was not one this server handed out.
    public static let invalidNextToken = Self(rawValue: "InvalidNextToken")
    /// A document (a dashboard body, an alarm rule) is malformed.
    public static let invalidFormat = Self(rawValue: "InvalidFormat")
    /// A dashboard body failed validation.
    public static let invalidParameterInput = Self(rawValue: "InvalidParameterInput")
}

extension AdmiralError {
    /// A shorthand for CloudWatch's `InvalidParameterValue`.
    public static func invalidValue(_ message: String) -> AdmiralError {
        AdmiralError(.invalidParameterValue, message)
    }

    /// A shorthand for CloudWatch's `InvalidParameterCombination`.
    public static func invalidCombination(_ message: String) -> AdmiralError {
        AdmiralError(.invalidParameterCombination, message)
    }

    /// A shorthand for CloudWatch's `MissingParameter`.
    public static func missingParameter(_ message: String) -> AdmiralError {
        AdmiralError(.missingParameter, message)
    }
}

extension CloudWatch {
    /// The answer of an operation that returns nothing (PutMetricData, DeleteAlarms, ...):
    /// `{}` in JSON, a response with only its metadata in the Query protocol.
    public struct EmptyOutput: Codable, Sendable, Hashable {
        /// Creates the empty answer.
        public init() {}
    }
}
