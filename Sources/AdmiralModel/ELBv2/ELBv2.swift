import Foundation

/// The namespace of the Elastic Load Balancing v2 wire shapes (generated from botocore's
/// model into `Generated/`), the rules Application Load Balancers apply to them, and the
/// constants of the API.
public enum ELBv2 {
    /// The SigV4 signing name of Elastic Load Balancing (classic and v2 share it).
    public static let signingName = "elasticloadbalancing"
    /// The API version of Elastic Load Balancing v2, sent as the `Version` parameter.
    public static let version = "2015-12-01"
    /// The XML namespace of responses.
    public static let xmlNamespace = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
}

extension AWSEnum {
    /// Decodes a raw string and maps it onto a case, or throws the data corruption that the
    /// Query protocol reports as AWS does:
    /// `Value 'TCPX' at 'protocol' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, HTTPS]`.
    public static func decodeQueryEnum(from decoder: any Decoder) throws -> Self {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "Value '\(raw)' at '\(ConstraintViolations.path(of: decoder.codingPath))' failed to satisfy "
                        + "constraint: Member must satisfy enum value set: [\(allCases.map(\.rawValue).joined(separator: ", "))]"
                ))
        }
        return value
    }
}
