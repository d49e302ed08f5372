/// Builds a redirect's `Location` from a ``RedirectAction`` and the request, with ALB's
/// placeholders `#{protocol}`, `#{host}`, `#{port}`, `#{path}` and `#{query}`.
struct RedirectBuilder: Sendable {
    let action: RedirectAction

    /// The request's parts the placeholders stand for.
    struct RequestParts {
        /// `http`.
        var `protocol`: String
        /// The Host header's name, without port.
        var host: String
        /// The listener's port.
        var port: Int
        /// The path without its leading "/".
        var path: String
        /// The query string without "?".
        var query: String
    }

    func location(for request: RequestParts) -> String {
        func substitute(_ template: String) -> String {
            guard template.contains("#{") else { return template }
            return
                template
                .replacing("#{protocol}", with: request.protocol)
                .replacing("#{host}", with: request.host)
                .replacing("#{port}", with: String(request.port))
                .replacing("#{path}", with: request.path)
                .replacing("#{query}", with: request.query)
        }
        let scheme = substitute(action.protocol ?? "#{protocol}").lowercased()
        let host = substitute(action.host ?? "#{host}")
        let port = substitute(action.port ?? "#{port}")
        var path = substitute(action.path ?? "/#{path}")
        if !path.hasPrefix("/") { path = "/" + path }
        let query = substitute(action.query ?? "#{query}")
        let defaultPort = scheme == "https" ? "443" : "80"
        var location = "\(scheme)://\(host)"
        if port != defaultPort, !port.isEmpty { location += ":\(port)" }
        location += path
        if !query.isEmpty { location += "?\(query)" }
        return location
    }
}
