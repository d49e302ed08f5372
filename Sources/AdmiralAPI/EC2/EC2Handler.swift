import AWSWire
import AdmiralControlPlane
import AdmiralModel
import Foundation

/// The EC2 service of the endpoint (botocore's `ec2` protocol, version 2016-11-15):
/// decodes the form parameters into the generated input shape (members by their
/// upper-cased location names, lists flattened), calls ``EC2Service``, and encodes EC2's
/// XML answer (no result wrapper, `requestId` first, lists of `item`s). Errors are
/// rendered by the endpoint as `<Response><Errors><Error>` documents.
struct EC2Handler: Sendable {
    typealias Operation =
        @Sendable (_ request: QueryRequest, _ context: RequestContext, _ requestId: String)
        async throws -> [UInt8]

    let operations: [String: Operation]

    static let decoder = QueryDecoder(keyStrategy: .upperCamelCase)
    static let encoder = EC2ResponseEncoder(namespace: EC2.xmlNamespace)

    init(service: EC2Service) {
        operations = [
            "DescribeRegions": Self.operation("DescribeRegions", service.describeRegions),
            "DescribeAvailabilityZones": Self.operation("DescribeAvailabilityZones", service.describeAvailabilityZones),
            "CreateVpc": Self.operation("CreateVpc", service.createVpc),
            "DescribeVpcs": Self.operation("DescribeVpcs", service.describeVpcs),
            "DeleteVpc": Self.operation("DeleteVpc", service.deleteVpc),
            "CreateSubnet": Self.operation("CreateSubnet", service.createSubnet),
            "DescribeSubnets": Self.operation("DescribeSubnets", service.describeSubnets),
            "DeleteSubnet": Self.operation("DeleteSubnet", service.deleteSubnet),
            "CreateSecurityGroup": Self.operation("CreateSecurityGroup", service.createSecurityGroup),
            "DescribeSecurityGroups": Self.operation("DescribeSecurityGroups", service.describeSecurityGroups),
            "DeleteSecurityGroup": Self.operation("DeleteSecurityGroup", service.deleteSecurityGroup),
            "AuthorizeSecurityGroupIngress": Self.operation(
                "AuthorizeSecurityGroupIngress", service.authorizeSecurityGroupIngress),
            "AuthorizeSecurityGroupEgress": Self.operation(
                "AuthorizeSecurityGroupEgress", service.authorizeSecurityGroupEgress),
            "RevokeSecurityGroupIngress": Self.operation(
                "RevokeSecurityGroupIngress", service.revokeSecurityGroupIngress),
            "RevokeSecurityGroupEgress": Self.operation("RevokeSecurityGroupEgress", service.revokeSecurityGroupEgress),
            "CreateTags": Self.operation("CreateTags", service.createTags),
            "DeleteTags": Self.operation("DeleteTags", service.deleteTags),
            "DescribeTags": Self.operation("DescribeTags", service.describeTags),
            "DescribeImages": Self.operation("DescribeImages", service.describeImages),
            "DescribeInstanceTypes": Self.operation("DescribeInstanceTypes", service.describeInstanceTypes),
            "RunInstances": Self.operation("RunInstances", service.runInstances),
            "DescribeInstances": Self.operation("DescribeInstances", service.describeInstances),
            "TerminateInstances": Self.operation("TerminateInstances", service.terminateInstances),
            "DescribeInstanceStatus": Self.operation("DescribeInstanceStatus", service.describeInstanceStatus),
            "CreateLaunchTemplate": Self.operation("CreateLaunchTemplate", service.createLaunchTemplate),
            "CreateLaunchTemplateVersion": Self.operation(
                "CreateLaunchTemplateVersion", service.createLaunchTemplateVersion),
            "DescribeLaunchTemplates": Self.operation("DescribeLaunchTemplates", service.describeLaunchTemplates),
            "DescribeLaunchTemplateVersions": Self.operation(
                "DescribeLaunchTemplateVersions", service.describeLaunchTemplateVersions),
            "ModifyLaunchTemplate": Self.operation("ModifyLaunchTemplate", service.modifyLaunchTemplate),
            "DeleteLaunchTemplate": Self.operation("DeleteLaunchTemplate", service.deleteLaunchTemplate),
        ]
    }

    /// Serves one request. Another API version or an unknown action is `InvalidAction`.
    func handle(_ request: QueryRequest, context: RequestContext, requestId: String) async throws -> [UInt8] {
        guard request.version == EC2.version else {
            let version = request.version.isEmpty ? "none" : "'\(request.version)'"
            throw AWSWireError(
                code: "InvalidAction",
                message: "Admiral serves EC2 (Version=\(EC2.version)) only; this request has version \(version).")
        }
        guard let operation = operations[request.action] else {
            throw AWSWireError(
                code: "InvalidAction",
                message: "The action \(request.action) is not valid for this web service; Admiral serves the EC2 "
                    + "actions of VPCs, subnets, security groups, tags, images, instance types, instances and "
                    + "launch templates.")
        }
        if request.parameters["DryRun"] == "true" {
            throw AWSWireError(
                code: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.",
                httpStatus: 412)
        }
        return try await operation(request, context, requestId)
    }

    static func operation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ action: String, _ call: @escaping @Sendable (Input, RequestContext) async throws -> Output
    ) -> Operation {
        { request, context, requestId in
            let input = try decode(Input.self, from: request)
            let output = try await call(input, context)
            return try encoder.encode(output, action: action, requestId: requestId)
        }
    }

    static func operation<Input: Decodable & Sendable>(
        _ action: String, _ call: @escaping @Sendable (Input, RequestContext) async throws -> Void
    ) -> Operation {
        { request, context, requestId in
            let input = try decode(Input.self, from: request)
            try await call(input, context)
            return encoder.encode(action: action, requestId: requestId)
        }
    }

    /// Decodes the input, turning the decoder's validation errors into EC2's codes: a
    /// missing member is `MissingParameter`, a malformed one `InvalidParameterValue`.
    static func decode<Input: Decodable>(_ type: Input.Type, from request: QueryRequest) throws -> Input {
        do {
            return try decoder.decode(Input.self, from: request)
        } catch {
            let message = error.message.replacingOccurrences(of: "1 validation error detected: ", with: "")
            if message.contains("Member must not be null"), let start = message.firstRange(of: "at '"),
                let end = message[start.upperBound...].firstIndex(of: "'")
            {
                throw AWSWireError(
                    code: "MissingParameter",
                    message: "The request must contain the parameter \(message[start.upperBound..<end])")
            }
            // EC2 names a bad enumeration value without listing the thousand it accepts.
            if message.contains("Member must satisfy enum value set"), let value = message.firstRange(of: "Value '"),
                let at = message.firstRange(of: "' at '"), let end = message[at.upperBound...].firstIndex(of: "'")
            {
                let raw = message[value.upperBound..<at.lowerBound]
                let member = message[at.upperBound..<end]
                throw AWSWireError(code: "InvalidParameterValue", message: "Invalid value '\(raw)' for \(member).")
            }
            throw AWSWireError(code: "InvalidParameterValue", message: message)
        }
    }
}
