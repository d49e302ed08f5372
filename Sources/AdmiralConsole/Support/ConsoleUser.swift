/// Someone who may sign in to the console: one of the server's principals (the console
/// takes the same key pairs as the API).
public struct ConsoleUser: Sendable, Hashable {
    /// The principal's name, said in what the console does ("Stopped from the console by ...").
    public var name: String
    /// The access key id typed into the sign-in form.
    public var accessKeyId: String
    /// The secret access key it is checked against (never shown, never logged).
    public var secretAccessKey: String

    /// Creates a user.
    public init(name: String, accessKeyId: String, secretAccessKey: String) {
        self.name = name
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }
}

/// Compares two strings in time that depends only on their lengths, for secrets and tokens.
func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    let a = Array(lhs.utf8)
    let b = Array(rhs.utf8)
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
