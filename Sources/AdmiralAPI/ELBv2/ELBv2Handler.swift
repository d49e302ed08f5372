import AWSWire
import AdmiralControlPlane
import AdmiralModel
import Foundation

/// The Elastic Load Balancing v2 service of the endpoint (Query protocol, version
/// 2015-12-01): decodes the form parameters into the generated input shape, calls
/// ``LoadBalancingService``, encodes the XML response.
struct ELBv2Handler: Sendable {
    typealias Operation =
        @Sendable (_ request: QueryRequest, _ context: RequestContext, _ requestId: String)
        async throws -> [UInt8]

    let operations: [String: Operation]

    static let decoder = QueryDecoder(keyStrategy: .useDefaultKeys)
    static let encoder = QueryResponseEncoder(namespace: ELBv2.xmlNamespace)

    /// Actions of the API that Admiral does not serve, with the reason.
    static let unsupported: [String: String] = [
        "AddListenerCertificates": "certificates need HTTPS listeners",
        "RemoveListenerCertificates": "certificates need HTTPS listeners",
        "DescribeListenerCertificates": "certificates need HTTPS listeners",
        "DescribeSSLPolicies": "SSL policies need HTTPS listeners",
        "CreateTrustStore": "trust stores need HTTPS listeners",
        "DeleteTrustStore": "trust stores need HTTPS listeners",
        "DescribeTrustStores": "trust stores need HTTPS listeners",
        "ModifyTrustStore": "trust stores need HTTPS listeners",
        "AddTrustStoreRevocations": "trust stores need HTTPS listeners",
        "RemoveTrustStoreRevocations": "trust stores need HTTPS listeners",
        "DescribeTrustStoreRevocations": "trust stores need HTTPS listeners",
        "DescribeTrustStoreAssociations": "trust stores need HTTPS listeners",
        "DeleteSharedTrustStoreAssociation": "trust stores need HTTPS listeners",
        "GetTrustStoreCaCertificatesBundle": "trust stores need HTTPS listeners",
        "GetTrustStoreRevocationContent": "trust stores need HTTPS listeners",
        "GetResourcePolicy": "resource policies belong to trust stores",
        "DescribeListenerAttributes": "listener attributes concern TLS and network load balancers",
        "ModifyListenerAttributes": "listener attributes concern TLS and network load balancers",
        "DescribeCapacityReservation": "capacity reservations are an AWS capacity feature",
        "ModifyCapacityReservation": "capacity reservations are an AWS capacity feature",
        "ModifyIpPools": "IPAM pools need AWS networking",
    ]

    init(service: LoadBalancingService) {
        operations = [
            "CreateLoadBalancer": Self.operation("CreateLoadBalancer", service.createLoadBalancer),
            "DescribeLoadBalancers": Self.operation("DescribeLoadBalancers", service.describeLoadBalancers),
            "DeleteLoadBalancer": Self.operation("DeleteLoadBalancer", service.deleteLoadBalancer),
            "DescribeLoadBalancerAttributes": Self.operation(
                "DescribeLoadBalancerAttributes", service.describeLoadBalancerAttributes),
            "ModifyLoadBalancerAttributes": Self.operation(
                "ModifyLoadBalancerAttributes", service.modifyLoadBalancerAttributes),
            "SetSecurityGroups": Self.operation("SetSecurityGroups", service.setSecurityGroups),
            "SetSubnets": Self.operation("SetSubnets", service.setSubnets),
            "SetIpAddressType": Self.operation("SetIpAddressType", service.setIpAddressType),
            "DescribeAccountLimits": Self.operation("DescribeAccountLimits", service.describeAccountLimits),
            "CreateTargetGroup": Self.operation("CreateTargetGroup", service.createTargetGroup),
            "DescribeTargetGroups": Self.operation("DescribeTargetGroups", service.describeTargetGroups),
            "ModifyTargetGroup": Self.operation("ModifyTargetGroup", service.modifyTargetGroup),
            "DeleteTargetGroup": Self.operation("DeleteTargetGroup", service.deleteTargetGroup),
            "DescribeTargetGroupAttributes": Self.operation(
                "DescribeTargetGroupAttributes", service.describeTargetGroupAttributes),
            "ModifyTargetGroupAttributes": Self.operation(
                "ModifyTargetGroupAttributes", service.modifyTargetGroupAttributes),
            "RegisterTargets": Self.operation("RegisterTargets", service.registerTargets),
            "DeregisterTargets": Self.operation("DeregisterTargets", service.deregisterTargets),
            "DescribeTargetHealth": Self.operation("DescribeTargetHealth", service.describeTargetHealth),
            "CreateListener": Self.operation("CreateListener", service.createListener),
            "DescribeListeners": Self.operation("DescribeListeners", service.describeListeners),
            "ModifyListener": Self.operation("ModifyListener", service.modifyListener),
            "DeleteListener": Self.operation("DeleteListener", service.deleteListener),
            "CreateRule": Self.operation("CreateRule", service.createRule),
            "DescribeRules": Self.operation("DescribeRules", service.describeRules),
            "ModifyRule": Self.operation("ModifyRule", service.modifyRule),
            "SetRulePriorities": Self.operation("SetRulePriorities", service.setRulePriorities),
            "DeleteRule": Self.operation("DeleteRule", service.deleteRule),
            "AddTags": Self.operation("AddTags", service.addTags),
            "RemoveTags": Self.operation("RemoveTags", service.removeTags),
            "DescribeTags": Self.operation("DescribeTags", service.describeTags),
        ]
    }

    /// Serves one request. A request for another API version (Elastic Load Balancing
    /// classic is `2012-06-01`) or an unknown action is `InvalidAction`.
    func handle(_ request: QueryRequest, context: RequestContext, requestId: String) async throws -> [UInt8] {
        guard request.version == ELBv2.version else {
            let version = request.version.isEmpty ? "none" : "'\(request.version)'"
            throw AWSWireError(
                code: "InvalidAction",
                message:
                    "Admiral serves Elastic Load Balancing v2 (Version=\(ELBv2.version)) only; this request has version "
                    + "\(version).")
        }
        guard let operation = operations[request.action] else {
            if let reason = Self.unsupported[request.action] {
                throw AWSWireError(
                    code: "InvalidAction",
                    message: "Admiral does not implement \(request.action): \(reason), which Admiral does not provide.")
            }
            throw AWSWireError.invalidAction(request.action)
        }
        return try await operation(request, context, requestId)
    }

    static func operation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ action: String, _ call: @escaping @Sendable (Input, RequestContext) async throws -> Output
    ) -> Operation {
        { request, context, requestId in
            let input = try decoder.decode(Input.self, from: request)
            let output = try await call(input, context)
            return try encoder.encode(output, action: action, requestId: requestId)
        }
    }
}
