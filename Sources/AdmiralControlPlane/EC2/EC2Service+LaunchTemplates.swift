import AdmiralModel
import AdmiralStore
import Foundation

extension EC2Service {
    /// The launch template data a request carries, as answers show it (the members an
    /// instance launch reads; the rest are kept where both shapes share them).
    static func responseData(_ request: EC2.RequestLaunchTemplateData, over base: EC2.ResponseLaunchTemplateData?)
        -> EC2.ResponseLaunchTemplateData
    {
        var data = base ?? EC2.ResponseLaunchTemplateData()
        if let value = request.kernelId { data.kernelId = value }
        if let value = request.ebsOptimized { data.ebsOptimized = value }
        if let value = request.iamInstanceProfile {
            data.iamInstanceProfile = EC2.LaunchTemplateIamInstanceProfileSpecification(
                arn: value.arn, name: value.name)
        }
        if let value = request.networkInterfaces {
            data.networkInterfaces = value.map {
                EC2.LaunchTemplateInstanceNetworkInterfaceSpecification(
                    associatePublicIpAddress: $0.associatePublicIpAddress, deleteOnTermination: $0.deleteOnTermination,
                    description: $0.description, deviceIndex: $0.deviceIndex, groups: $0.groups,
                    networkInterfaceId: $0.networkInterfaceId, privateIpAddress: $0.privateIpAddress,
                    subnetId: $0.subnetId)
            }
        }
        if let value = request.imageId { data.imageId = value }
        if let value = request.instanceType { data.instanceType = value }
        if let value = request.keyName { data.keyName = value }
        if let value = request.monitoring { data.monitoring = EC2.LaunchTemplatesMonitoring(enabled: value.enabled) }
        if let value = request.placement {
            data.placement = EC2.LaunchTemplatePlacement(
                availabilityZone: value.availabilityZone, availabilityZoneId: value.availabilityZoneId,
                groupName: value.groupName, tenancy: value.tenancy)
        }
        if let value = request.ramDiskId { data.ramDiskId = value }
        if let value = request.disableApiTermination { data.disableApiTermination = value }
        if let value = request.instanceInitiatedShutdownBehavior { data.instanceInitiatedShutdownBehavior = value }
        if let value = request.userData { data.userData = value }
        if let value = request.tagSpecifications {
            data.tagSpecifications = value.map {
                EC2.LaunchTemplateTagSpecification(resourceType: $0.resourceType, tags: $0.tags)
            }
        }
        if let value = request.securityGroupIds { data.securityGroupIds = value }
        if let value = request.securityGroups { data.securityGroups = value }
        if let value = request.disableApiStop { data.disableApiStop = value }
        return data
    }

    static func checkTemplateName(_ name: String) throws(AdmiralError) {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789().-/_")
        guard (3...128).contains(name.count), name.unicodeScalars.allSatisfy(allowed.contains) else {
            throw EC2Errors.code(
                "InvalidLaunchTemplateName.MalformedException",
                "A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and "
                    + "the following characters: - ( ) . / _.'")
        }
    }

    func wire(_ template: LaunchTemplateRecord) -> EC2.LaunchTemplate {
        EC2.LaunchTemplate(
            launchTemplateId: template.launchTemplateId, launchTemplateName: template.launchTemplateName,
            createTime: template.createdAt, createdBy: template.createdBy,
            defaultVersionNumber: template.defaultVersion, latestVersionNumber: template.latestVersion,
            tags: Self.wireTags(template.tags))
    }

    func wire(_ version: LaunchTemplateVersionRecord, of template: LaunchTemplateRecord) -> EC2.LaunchTemplateVersion {
        EC2.LaunchTemplateVersion(
            launchTemplateId: template.launchTemplateId, launchTemplateName: template.launchTemplateName,
            versionNumber: version.versionNumber, versionDescription: version.versionDescription,
            createTime: version.createdAt, createdBy: version.createdBy,
            defaultVersion: version.versionNumber == template.defaultVersion, launchTemplateData: version.data)
    }

    /// The template named by id or name.
    static func template(id: String?, name: String?, in state: EC2State) throws(AdmiralError) -> LaunchTemplateRecord {
        if let id {
            guard let template = state.launchTemplates[id] else {
                throw EC2Errors.notFound(
                    "InvalidLaunchTemplateId.NotFound",
                    "The specified launch template, with template ID \(id), does not exist.")
            }
            return template
        }
        guard let name else {
            throw EC2Errors.missingParameter(
                "The request must contain the parameter LaunchTemplateName or LaunchTemplateId")
        }
        guard let template = state.launchTemplates.values.first(where: { $0.launchTemplateName == name }) else {
            throw EC2Errors.notFound(
                "InvalidLaunchTemplateName.NotFoundException",
                "The specified launch template, with template name \(name), does not exist.")
        }
        return template
    }

    /// A version by number, `$Latest` or `$Default` (nil: `$Default`).
    static func version(_ text: String?, of template: LaunchTemplateRecord) throws(AdmiralError)
        -> LaunchTemplateVersionRecord
    {
        let number: Int
        switch text {
        case nil, "$Default": number = template.defaultVersion
        case "$Latest": number = template.latestVersion
        case let text?:
            guard let value = Int(text) else {
                throw EC2Errors.code(
                    "InvalidLaunchTemplateId.VersionNotFound",
                    "Could not find launch template version \(text) for template \(template.launchTemplateId)")
            }
            number = value
        }
        guard let version = template.versions.first(where: { $0.versionNumber == number }) else {
            throw EC2Errors.code(
                "InvalidLaunchTemplateId.VersionNotFound",
                "Could not find launch template version \(number) for template \(template.launchTemplateId)")
        }
        return version
    }

    func launchTemplateVersion(id: String?, name: String?, version: String?) async throws
        -> (template: LaunchTemplateRecord, version: LaunchTemplateVersionRecord)
    {
        let state = try await self.state()
        let template = try Self.template(id: id, name: name, in: state)
        return (template, try Self.version(version, of: template))
    }

    public func createLaunchTemplate(_ input: EC2.CreateLaunchTemplateRequest, context: RequestContext) async throws
        -> EC2.CreateLaunchTemplateResult
    {
        let name = input.launchTemplateName
        try Self.checkTemplateName(name)
        let tags = try Self.tags(input.tagSpecifications, for: .launchTemplate)
        let data = Self.responseData(input.launchTemplateData, over: nil)
        if let userData = data.userData, Data(base64Encoded: userData) == nil {
            throw EC2Errors.invalidParameterValue("Invalid BASE64 encoding of user data.")
        }
        let now = context.now
        let creator = context.principalARN
        let description = input.versionDescription
        let template = try await update { state in
            if state.launchTemplates.values.contains(where: { $0.launchTemplateName == name }) {
                throw EC2Errors.code(
                    "InvalidLaunchTemplateName.AlreadyExistsException",
                    "Launch template name already in use.")
            }
            let template = LaunchTemplateRecord(
                launchTemplateId: EC2IDs.make("lt"), launchTemplateName: name, createdAt: now, createdBy: creator,
                defaultVersion: 1, latestVersion: 1,
                versions: [
                    LaunchTemplateVersionRecord(
                        versionNumber: 1, versionDescription: description, createdAt: now, createdBy: creator,
                        data: data)
                ], tags: tags)
            state.launchTemplates[template.launchTemplateId] = template
            return template
        }
        return EC2.CreateLaunchTemplateResult(launchTemplate: wire(template))
    }

    public func createLaunchTemplateVersion(_ input: EC2.CreateLaunchTemplateVersionRequest, context: RequestContext)
        async throws -> EC2.CreateLaunchTemplateVersionResult
    {
        let now = context.now
        let creator = context.principalARN
        let (template, version) = try await update { state in
            var template = try Self.template(id: input.launchTemplateId, name: input.launchTemplateName, in: state)
            let base = try input.sourceVersion.map { text throws(AdmiralError) in
                try Self.version(text, of: template).data
            }
            let data = Self.responseData(input.launchTemplateData, over: base)
            let number = template.latestVersion + 1
            let version = LaunchTemplateVersionRecord(
                versionNumber: number, versionDescription: input.versionDescription, createdAt: now, createdBy: creator,
                data: data)
            template.versions.append(version)
            template.latestVersion = number
            state.launchTemplates[template.launchTemplateId] = template
            return (template, version)
        }
        return EC2.CreateLaunchTemplateVersionResult(launchTemplateVersion: wire(version, of: template))
    }

    public func describeLaunchTemplates(_ input: EC2.DescribeLaunchTemplatesRequest, context: RequestContext)
        async throws -> EC2.DescribeLaunchTemplatesResult
    {
        let filters = try EC2FilterSet(input.filters, allowed: ["create-time", "launch-template-name"])
        let state = try await self.state()
        for id in input.launchTemplateIds ?? [] { _ = try Self.template(id: id, name: nil, in: state) }
        for name in input.launchTemplateNames ?? [] { _ = try Self.template(id: nil, name: name, in: state) }
        let templates = state.launchTemplates.values.filter { template in
            if let ids = input.launchTemplateIds, !ids.contains(template.launchTemplateId) { return false }
            if let names = input.launchTemplateNames, !names.contains(template.launchTemplateName) { return false }
            return filters.matches(tags: template.tags) { name in
                name == "launch-template-name" ? [template.launchTemplateName] : []
            }
        }.sorted { $0.launchTemplateId < $1.launchTemplateId }
        let page = try Self.page(
            templates, key: \.launchTemplateId, maxResults: input.maxResults, nextToken: input.nextToken,
            bounds: 1...200)
        return EC2.DescribeLaunchTemplatesResult(launchTemplates: page.items.map(wire), nextToken: page.nextToken)
    }

    public func describeLaunchTemplateVersions(
        _ input: EC2.DescribeLaunchTemplateVersionsRequest, context: RequestContext
    ) async throws -> EC2.DescribeLaunchTemplateVersionsResult {
        let filters = try EC2FilterSet(
            input.filters,
            allowed: [
                "create-time", "ebs-optimized", "iam-instance-profile", "image-id", "instance-type",
                "is-default-version", "kernel-id", "ram-disk-id",
            ])
        let state = try await self.state()
        let template = try Self.template(id: input.launchTemplateId, name: input.launchTemplateName, in: state)
        var versions: [LaunchTemplateVersionRecord]
        if let names = input.versions, !names.isEmpty {
            versions = try names.map { name throws(AdmiralError) in try Self.version(name, of: template) }
        } else {
            versions = template.versions
        }
        if let min = input.minVersion.flatMap(Int.init) { versions = versions.filter { $0.versionNumber >= min } }
        if let max = input.maxVersion.flatMap(Int.init) { versions = versions.filter { $0.versionNumber <= max } }
        versions = versions.filter { version in
            filters.matches(tags: [:]) { name in
                switch name {
                case "image-id": version.data.imageId.map { [$0] } ?? []
                case "instance-type": version.data.instanceType.map { [$0.rawValue] } ?? []
                case "is-default-version": [Self.bool(version.versionNumber == template.defaultVersion)]
                default: []
                }
            }
        }
        let page = try Self.page(
            versions.sorted { $0.versionNumber > $1.versionNumber },
            key: { String(format: "%010d", Int.max - $0.versionNumber) },
            maxResults: input.maxResults, nextToken: input.nextToken, bounds: 1...200)
        return EC2.DescribeLaunchTemplateVersionsResult(
            launchTemplateVersions: page.items.map { wire($0, of: template) }, nextToken: page.nextToken)
    }

    public func modifyLaunchTemplate(_ input: EC2.ModifyLaunchTemplateRequest, context: RequestContext) async throws
        -> EC2.ModifyLaunchTemplateResult
    {
        let template = try await update { state in
            var template = try Self.template(id: input.launchTemplateId, name: input.launchTemplateName, in: state)
            if let text = input.defaultVersion {
                template.defaultVersion = try Self.version(text, of: template).versionNumber
            }
            state.launchTemplates[template.launchTemplateId] = template
            return template
        }
        return EC2.ModifyLaunchTemplateResult(launchTemplate: wire(template))
    }

    public func deleteLaunchTemplate(_ input: EC2.DeleteLaunchTemplateRequest, context: RequestContext) async throws
        -> EC2.DeleteLaunchTemplateResult
    {
        let template = try await update { state in
            let template = try Self.template(id: input.launchTemplateId, name: input.launchTemplateName, in: state)
            state.launchTemplates[template.launchTemplateId] = nil
            return template
        }
        return EC2.DeleteLaunchTemplateResult(launchTemplate: wire(template))
    }
}
