/// What Admiral accepts for a listener: protocol HTTP on a port from 1 to 65535, without
/// certificates, SSL, ALPN or mutual TLS settings (those need HTTPS listeners, which
/// Admiral's load balancer does not serve).
public enum ListenerRules {
    /// Checks a listener's protocol and port; the protocol is required.
    public static func validate(
        protocol listenerProtocol: ELBv2.ProtocolEnum?, port: Int?, certificates: [ELBv2.Certificate]?,
        sslPolicy: String?, alpnPolicy: [String]?, mutualAuthentication: ELBv2.MutualAuthenticationAttributes?
    ) throws {
        if let listenerProtocol {
            try validateProtocol(listenerProtocol)
        }
        if let port, !(1...65535).contains(port) {
            throw AdmiralError.validation("Listener port \(port) must be between 1 and 65535.")
        }
        if certificates?.isEmpty == false || sslPolicy != nil || alpnPolicy?.isEmpty == false
            || mutualAuthentication != nil
        {
            throw AdmiralError.invalidConfiguration(
                "Certificates, SSL policies, ALPN policies and mutual authentication apply to HTTPS listeners, "
                    + "which Admiral's load balancer does not serve; use an HTTP listener without them.")
        }
    }

    /// Checks a listener protocol: HTTP only.
    public static func validateProtocol(_ listenerProtocol: ELBv2.ProtocolEnum) throws {
        switch listenerProtocol {
        case .http:
            return
        case .https:
            throw AdmiralError(
                .unsupportedProtocol,
                "Admiral's load balancer serves HTTP listeners only; HTTPS (certificates, TLS) is not supported.")
        default:
            throw AdmiralError(
                .incompatibleProtocols,
                "Protocol '\(listenerProtocol.rawValue)' is not valid for an application load balancer listener; "
                    + "use HTTP.")
        }
    }
}
