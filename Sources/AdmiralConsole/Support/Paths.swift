import Foundation

/// The console's URLs, built in one place with each name percent-encoded.
enum Paths {
    static let home = "/console/"
    static let signIn = "/console/sign-in"
    static let signOut = "/console/sign-out"
    static let taskDefinitions = "/console/task-definitions"
    static let loadBalancers = "/console/load-balancers"

    static func cluster(_ cluster: String) -> String { "/console/clusters/\(encode(cluster))" }
    static func services(_ cluster: String) -> String { Self.cluster(cluster) + "/services" }
    static func service(_ cluster: String, _ service: String) -> String { services(cluster) + "/\(encode(service))" }
    static func task(_ cluster: String, _ id: String) -> String { Self.cluster(cluster) + "/tasks/\(encode(id))" }
    static func instance(_ cluster: String, _ id: String) -> String {
        Self.cluster(cluster) + "/instances/\(encode(id))"
    }
    static func loadBalancer(_ name: String) -> String { loadBalancers + "/\(encode(name))" }
    static func family(_ family: String) -> String { taskDefinitions + "/\(encode(family))" }
    static func revision(_ family: String, _ revision: Int) -> String { Self.family(family) + "/\(revision)" }

    private static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func encode(_ component: String) -> String {
        component.addingPercentEncoding(withAllowedCharacters: allowed) ?? component
    }

    /// The last part of an ARN or a `cluster/id` resource: `arn:...:task/c/abc` → `abc`.
    static func lastComponent(_ arn: String?) -> String {
        guard let arn else { return "" }
        return arn.split(separator: "/").last.map(String.init) ?? arn
    }

    /// The cluster of an ARN like `arn:aws:ecs:r:a:cluster/name`.
    static func clusterName(_ arn: String?) -> String { lastComponent(arn) }
}
