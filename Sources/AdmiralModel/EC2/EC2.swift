import Foundation

/// The namespace of the EC2 wire shapes (generated from botocore's model into
/// `Generated/`, only those of the operations Admiral serves), the rules of the EC2
/// registry (addresses, filters, ids) and the constants of the API.
public enum EC2 {
    /// The SigV4 signing name of EC2.
    public static let signingName = "ec2"
    /// The API version, sent as the `Version` parameter.
    public static let version = "2016-11-15"
    /// The XML namespace of responses.
    public static let xmlNamespace = "http://ec2.amazonaws.com/doc/2016-11-15/"
}
