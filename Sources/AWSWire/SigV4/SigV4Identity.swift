import Foundation

/// Who signed a request that passed SigV4 verification, and the scope they signed for.
public struct SigV4Identity: Sendable, Equatable {
    /// The access key id from the credential scope.
    public var accessKeyId: String
    /// The region from the credential scope, for example `us-east-1`.
    public var region: String
    /// The service from the credential scope, for example `ecs` or `elasticloadbalancing`.
    public var service: String
    /// The name of the principal that owns the key, when the key store knows one.
    public var principal: String?
    /// When the client signed the request (`X-Amz-Date`).
    public var requestDate: Date

    /// Creates an identity.
    public init(accessKeyId: String, region: String, service: String, principal: String? = nil, requestDate: Date) {
        self.accessKeyId = accessKeyId
        self.region = region
        self.service = service
        self.principal = principal
        self.requestDate = requestDate
    }
}

/// A secret access key and the principal it belongs to, as a key store returns them.
public struct SigV4Credential: Sendable, Equatable {
    /// The secret access key.
    public var secretAccessKey: String
    /// The name of the principal that owns the key (for example a user or an agent), if any.
    public var principal: String?

    /// Creates a credential.
    public init(secretAccessKey: String, principal: String? = nil) {
        self.secretAccessKey = secretAccessKey
        self.principal = principal
    }
}
