import AWSWire
import AdmiralControlPlane
import AdmiralModel
import Foundation

/// The one corner of Systems Manager that ECS users touch: the public parameters that
/// name the ECS-optimized AMI (`aws ssm get-parameters --names
/// /aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id`), answered with the
/// image that runs the Admiral agent. awsJson 1.1, `AmazonSSM.GetParameter` and
/// `AmazonSSM.GetParameters`; every other name is `ParameterNotFound`.
struct SSMParameterHandler: Sendable {
    static let signingName = "ssm"
    static let targetPrefix = "AmazonSSM"

    /// The operations served, for request metrics.
    static let operations: Set<String> = ["GetParameter", "GetParameters"]

    /// Parameter name → value.
    static let parameters: [String: String] = {
        let image = EC2Catalogue.images[0]
        var parameters: [String: String] = [:]
        for (path, os) in [
            ("amazon-linux-2", "Amazon Linux 2"), ("amazon-linux-2023", "Amazon Linux 2023"),
            ("amazon-linux", "Amazon Linux"), ("amazon-linux-2/kernel-5.10", "Amazon Linux 2"),
        ] {
            let base = "/aws/service/ecs/optimized-ami/\(path)/recommended"
            parameters[base + "/image_id"] = image.imageId
            parameters[base + "/image_name"] = image.name
            let summary: [String: Any] = [
                "image_id": image.imageId, "image_name": image.name, "os": os, "schema_version": 1,
                "ecs_agent_version": "admiral", "ecs_runtime_version": "Docker",
            ]
            if let data = try? JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]) {
                parameters[base] = String(decoding: data, as: UTF8.self)
            }
        }
        return parameters
    }()

    func handle(operation: String, body: [UInt8], context: RequestContext) throws -> [UInt8] {
        let input = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        let output: [String: Any]
        switch operation {
        case "GetParameter":
            guard let name = input["Name"] as? String else {
                throw AWSWireError(code: "ValidationException", message: "The parameter Name is required.")
            }
            guard let parameter = parameter(name, region: context.names.region) else {
                throw AWSWireError(code: "ParameterNotFound", message: "Parameter \(name) not found.")
            }
            output = ["Parameter": parameter]
        case "GetParameters":
            let names = input["Names"] as? [String] ?? []
            output = [
                "Parameters": names.compactMap { parameter($0, region: context.names.region) },
                "InvalidParameters": names.filter { Self.parameters[$0] == nil },
            ]
        default:
            throw AWSWireError(
                code: "UnknownOperationException",
                message: "Admiral answers only SSM's GetParameter and GetParameters, for the ECS-optimized AMI's "
                    + "public parameters.")
        }
        return Array(try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys]))
    }

    func parameter(_ name: String, region: String) -> [String: Any]? {
        guard let value = Self.parameters[name] else { return nil }
        return [
            "Name": name, "Type": "String", "Value": value, "Version": 1, "DataType": "text",
            "LastModifiedDate": 1_767_225_600, "ARN": "arn:aws:ssm:\(region)::parameter\(name)",
        ]
    }
}
