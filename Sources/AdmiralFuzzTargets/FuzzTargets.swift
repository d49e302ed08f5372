import AWSWire
@_spi(Fuzzing) import AdmiralLoadBalancer
import AdmiralModel
import AdmiralScheduler
import Foundation

/// The parsers a remote peer can reach, each as a function of arbitrary bytes: what the
/// coverage-guided fuzzer drives (`tools/libfuzzer/run.sh`, libFuzzer through
/// `-sanitize=fuzzer`), and what the unit tests replay the committed corpus through. A target returns for
/// every input; a trap, a hang or a leak is a finding.
public enum FuzzTargets {
    /// The targets by name, as `tools/libfuzzer/run.sh` and the corpus folders name them.
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "json": json,
        "query": query,
        "sigv4": sigV4,
        "cluster-query": clusterQuery,
        "filter-pattern": filterPattern,
        "alarm-rule": { _ = try? AlarmRule(parsing: String(decoding: $0, as: UTF8.self)) },
        "metric-math": { _ = try? MetricMathExpression(parsing: String(decoding: $0, as: UTF8.self)) },
        "http-request": { FuzzingEntry.routeRequest($0) },
        "http-response": { FuzzingEntry.parseResponse($0) },
        "wildcard": { FuzzingEntry.matchWildcard($0) },
    ]

    /// An awsJson body as the ECS, CloudWatch Logs and CloudWatch handlers decode it.
    static func json(_ bytes: [UInt8]) {
        _ = try? WireJSONDecoder.decode(ECS.RegisterTaskDefinitionRequest.self, from: bytes)
        _ = try? WireJSONDecoder.decode(ECS.CreateServiceRequest.self, from: bytes)
        _ = try? WireJSONDecoder.decode(ECS.RunTaskRequest.self, from: bytes)
        _ = try? WireJSONDecoder.decode(Logs.PutLogEventsRequest.self, from: bytes)
        _ = try? WireJSONDecoder.decode(CloudWatch.PutMetricDataInput.self, from: bytes)
    }

    static let queryDecoder = QueryDecoder(keyStrategy: .useDefaultKeys)
    static let ec2Decoder = QueryDecoder(keyStrategy: .upperCamelCase)

    /// A Query (form-encoded) body as the ELBv2, Auto Scaling and EC2 handlers decode it;
    /// a first line `?...` is the URL's query string.
    static func query(_ bytes: [UInt8]) {
        var body = bytes[...]
        var urlQuery = ""
        if body.first == UInt8(ascii: "?"), let end = body.firstIndex(of: UInt8(ascii: "\n")) {
            urlQuery = String(decoding: body[body.index(after: body.startIndex)..<end], as: UTF8.self)
            body = body[body.index(after: end)...]
        }
        guard let request = try? QueryRequest.parse(body: body, query: urlQuery) else { return }
        _ = try? queryDecoder.decode(ELBv2.CreateRuleInput.self, from: request)
        _ = try? queryDecoder.decode(ELBv2.CreateLoadBalancerInput.self, from: request)
        _ = try? queryDecoder.decode(EC2AutoScaling.CreateAutoScalingGroupType.self, from: request)
        _ = try? ec2Decoder.decode(EC2.RunInstancesRequest.self, from: request)
        _ = try? ec2Decoder.decode(EC2.AuthorizeSecurityGroupIngressRequest.self, from: request)
    }

    static let verifier = SigV4Verifier(secrets: { _ in "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0" })
    static let signingTime = Date(timeIntervalSince1970: 1_800_000_000)

    /// A request's signature parts: line 1 the Authorization header, line 2 X-Amz-Date,
    /// line 3 the URL's query string (presigned requests), line 4 x-amz-content-sha256,
    /// the rest the body.
    static func sigV4(_ bytes: [UInt8]) {
        let lines = String(decoding: bytes, as: UTF8.self).split(
            separator: "\n", maxSplits: 4, omittingEmptySubsequences: false
        ).map(String.init)
        func line(_ index: Int) -> String? { index < lines.count && !lines[index].isEmpty ? lines[index] : nil }
        var headers: [(name: String, value: String)] = [("host", "127.0.0.1:7700")]
        if let authorization = line(0) { headers.append(("authorization", authorization)) }
        if let date = line(1) { headers.append(("x-amz-date", date)) }
        if let sha = line(3) { headers.append(("x-amz-content-sha256", sha)) }
        let request = SigV4Request(
            method: "POST", path: "/", query: line(2) ?? "", headers: headers, body: Array((line(4) ?? "").utf8))
        _ = try? verifier.verify(request, now: signingTime)
    }

    static let instance = InstanceSnapshot(
        id: "0123456789abcdef0123456789abcdef", ec2InstanceId: "i-0123456789abcdef0",
        attributes: [
            "ecs.instance-type": "t3.small", "ecs.availability-zone": "us-east-1a", "ecs.os-type": "linux",
            "stack": "prod", "flag": nil,
        ],
        remainingCPU: 1024, remainingMemory: 2048)

    /// A memberOf expression of the cluster query language, then evaluated.
    static func clusterQuery(_ bytes: [UInt8]) {
        guard let query = try? ClusterQuery(String(decoding: bytes, as: UTF8.self)) else { return }
        _ = query.matches(instance)
    }

    /// A CloudWatch Logs filter pattern (the first line) matched against the other lines.
    static func filterPattern(_ bytes: [UInt8]) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, let pattern = try? LogFilterPattern(String(first)) else { return }
        for message in lines.dropFirst().prefix(8) { _ = pattern.match(String(message)) }
    }
}
