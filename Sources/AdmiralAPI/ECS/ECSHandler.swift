import AWSWire
import AdmiralControlPlane
import AdmiralModel
import Foundation

/// The ECS service of the endpoint: decodes the operation's input, calls a domain
/// service, encodes the output.
struct ECSHandler: Sendable {
    typealias Operation = @Sendable (_ body: [UInt8], _ context: RequestContext) async throws -> [UInt8]

    private(set) var operations: [String: Operation]

    init(
        clusters: ClusterService, taskDefinitions: TaskDefinitionService, tags: TagService,
        instances: ContainerInstanceService, attributes: AttributeService, tasks: TaskService,
        services: ServiceOperations, capacityProviders: CapacityProviderService? = nil
    ) {
        self.operations = [
            "CreateCluster": Self.operation(clusters.createCluster),
            "DescribeClusters": Self.operation(clusters.describeClusters),
            "ListClusters": Self.operation(clusters.listClusters),
            "DeleteCluster": Self.operation(clusters.deleteCluster),
            "UpdateCluster": Self.operation(clusters.updateCluster),
            "UpdateClusterSettings": Self.operation(clusters.updateClusterSettings),
            "RegisterTaskDefinition": Self.registerTaskDefinition(taskDefinitions),
            "DescribeTaskDefinition": Self.operation(
                taskDefinitions.describe, cache: EncodedResponseCache<ECS.DescribeTaskDefinitionResponse>()),
            "DeregisterTaskDefinition": Self.operation(taskDefinitions.deregister),
            "DeleteTaskDefinitions": Self.operation(taskDefinitions.delete),
            "ListTaskDefinitions": Self.operation(taskDefinitions.list),
            "ListTaskDefinitionFamilies": Self.operation(taskDefinitions.listFamilies),
            "TagResource": Self.operation(tags.tagResource),
            "UntagResource": Self.operation(tags.untagResource),
            "ListTagsForResource": Self.operation(tags.listTags),
            "RegisterContainerInstance": Self.operation(instances.register),
            "DeregisterContainerInstance": Self.operation(instances.deregister),
            "DescribeContainerInstances": Self.operation(instances.describe),
            "ListContainerInstances": Self.operation(instances.list),
            "UpdateContainerInstancesState": Self.operation(instances.updateState),
            "PutAttributes": Self.operation(attributes.put),
            "DeleteAttributes": Self.operation(attributes.delete),
            "ListAttributes": Self.operation(attributes.list),
            "RunTask": Self.operation(tasks.runTask),
            "StartTask": Self.operation(tasks.startTask),
            "StopTask": Self.operation(tasks.stopTask),
            "DescribeTasks": Self.operation(tasks.describeTasks),
            "ListTasks": Self.operation(tasks.listTasks),
            "SubmitTaskStateChange": Self.operation(tasks.submitTaskStateChange),
            "SubmitContainerStateChange": Self.operation(tasks.submitContainerStateChange),
            "CreateService": Self.operation(services.createService),
            "UpdateService": Self.operation(services.updateService),
            "DeleteService": Self.operation(services.deleteService),
            "DescribeServices": Self.operation(services.describeServices),
            "ListServices": Self.operation(services.listServices),
        ]
        if let capacityProviders {
            operations.merge(
                [
                    "CreateCapacityProvider": Self.operation(capacityProviders.create),
                    "UpdateCapacityProvider": Self.operation(capacityProviders.update),
                    "DeleteCapacityProvider": Self.operation(capacityProviders.delete),
                    "DescribeCapacityProviders": Self.operation(capacityProviders.describe),
                    "PutClusterCapacityProviders": Self.operation(capacityProviders.putClusterCapacityProviders),
                ],
                uniquingKeysWith: { first, _ in first })
            // A cluster created with capacity providers gets them checked and their managed
            // scaling, as PutClusterCapacityProviders does.
            operations["CreateCluster"] = Self.operation(capacityProviders.createCluster)
        }
    }

    init(_ controlPlane: ControlPlane) {
        self.init(
            clusters: controlPlane.clusters, taskDefinitions: controlPlane.taskDefinitions, tags: controlPlane.tags,
            instances: controlPlane.containerInstances, attributes: controlPlane.attributes, tasks: controlPlane.tasks,
            services: controlPlane.services, capacityProviders: controlPlane.capacityProviders)
    }

    func handle(operation name: String, body: [UInt8], context: RequestContext) async throws -> [UInt8] {
        guard let operation = operations[name] else {
            throw AWSWireError.unknownOperation("\(ECS.targetPrefix).\(name)")
        }
        return try await operation(body, context)
    }

    static func operation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ call: @escaping @Sendable (Input, RequestContext) async throws -> Output
    ) -> Operation {
        let encoder = ECS.makeEncoder()
        return { body, context in
            let input = try JSONInput.decode(Input.self, from: body)
            let output = try await call(input, context)
            return Array(try encoder.encode(output))
        }
    }

    /// RegisterTaskDefinition answers with the definition's JSON as encoded for the
    /// store, not with a second encoding of it.
    static func registerTaskDefinition(_ service: TaskDefinitionService) -> Operation {
        let encoder = ECS.makeEncoder()
        return { body, context in
            let input = try JSONInput.decode(ECS.RegisterTaskDefinitionRequest.self, from: body)
            return try await service.register(input, context: context).responseJSON(encoder: encoder)
        }
    }

    /// An operation whose encoded outputs are remembered, for hot read paths.
    static func operation<Input: Decodable & Sendable, Output: Encodable & Hashable & Sendable>(
        _ call: @escaping @Sendable (Input, RequestContext) async throws -> Output,
        cache: EncodedResponseCache<Output>
    ) -> Operation {
        let encoder = ECS.makeEncoder()
        return { body, context in
            let input = try JSONInput.decode(Input.self, from: body)
            let output = try await call(input, context)
            return try cache.encoded(output) { Array(try encoder.encode($0)) }
        }
    }
}
