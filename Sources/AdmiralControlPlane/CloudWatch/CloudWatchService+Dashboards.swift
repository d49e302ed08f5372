import AdmiralModel
import AdmiralStore
import Foundation

extension CloudWatchService {
    /// The widget types a dashboard body may hold.
    static let widgetTypes: Set<String> = ["metric", "text", "log", "alarm", "explorer", "custom"]

    /// PutDashboard: stores the body once it holds a `widgets` list whose widgets have a
    /// known type, whole-number positions on the 24-column grid and properties.
    public func putDashboard(_ input: CloudWatch.PutDashboardInput, context: RequestContext) async throws
        -> CloudWatch.PutDashboardOutput
    {
        try Self.checkDashboardName(input.dashboardName)
        try Self.checkTags(input.tags ?? [])
        let messages = Self.validateDashboardBody(input.dashboardBody)
        if !messages.isEmpty {
            let details = messages.map { "\($0.dataPath ?? ""): \($0.message ?? "")" }.joined(separator: "; ")
            throw AdmiralError(.invalidParameterInput, "The field DashboardBody is invalid: \(details)")
        }
        try await store.putDashboard(
            DashboardRecord(name: input.dashboardName, body: input.dashboardBody, lastModified: context.now))
        if let tags = input.tags, !tags.isEmpty {
            let key = dashboardKey(input.dashboardName)
            try await store.setTags(Self.merge(try await store.tags(of: key), with: tags), of: key)
        }
        return CloudWatch.PutDashboardOutput(dashboardValidationMessages: [])
    }

    func dashboardKey(_ name: String) -> String { "dashboard/\(name)" }

    static func checkDashboardName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 255,
            name.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
            })
        else {
            throw AdmiralError(
                .invalidParameterInput,
                "The value for field DashboardName contains invalid characters. It can only contain alphanumerics, "
                    + "dash (-) and underscore (_).")
        }
    }

    /// What is wrong with a dashboard body, as CloudWatch's validation messages.
    static func validateDashboardBody(_ body: String) -> [CloudWatch.DashboardValidationMessage] {
        func message(_ path: String, _ text: String) -> CloudWatch.DashboardValidationMessage {
            CloudWatch.DashboardValidationMessage(dataPath: path, message: text)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            return [message("", "The dashboard body must be a JSON object.")]
        }
        guard let widgets = object["widgets"] as? [Any] else {
            return [message("/widgets", "Should be an array of widgets.")]
        }
        var messages: [CloudWatch.DashboardValidationMessage] = []
        for (index, item) in widgets.enumerated() {
            let path = "/widgets/\(index)"
            guard let widget = item as? [String: Any] else {
                messages.append(message(path, "Should be an object."))
                continue
            }
            guard let type = widget["type"] as? String else {
                messages.append(message("\(path)/type", "Should have required property 'type'."))
                continue
            }
            guard widgetTypes.contains(type) else {
                messages.append(
                    message("\(path)/type", "Should be equal to one of the allowed values: \(widgetTypes.sorted())."))
                continue
            }
            for key in ["x", "y", "width", "height"] {
                guard let value = widget[key] else { continue }
                guard let number = value as? NSNumber, number.doubleValue == number.doubleValue.rounded(),
                    number.intValue >= 0
                else {
                    messages.append(message("\(path)/\(key)", "Should be a whole number of 0 or more."))
                    continue
                }
                if key == "x" && number.intValue > 23 || key == "width" && !(1...24).contains(number.intValue) {
                    messages.append(message("\(path)/\(key)", "Should be within the 24-column grid."))
                }
            }
            guard let properties = widget["properties"] as? [String: Any] else {
                messages.append(message("\(path)/properties", "Should have required property 'properties'."))
                continue
            }
            if type == "metric" && properties["metrics"] == nil && properties["annotations"] == nil {
                messages.append(message("\(path)/properties", "Should have required property 'metrics'."))
            }
            if type == "text" && !(properties["markdown"] is String) {
                messages.append(message("\(path)/properties/markdown", "Should have required property 'markdown'."))
            }
        }
        return messages
    }

    /// GetDashboard.
    public func getDashboard(_ input: CloudWatch.GetDashboardInput, context: RequestContext) async throws
        -> CloudWatch.GetDashboardOutput
    {
        guard let dashboard = try await store.dashboard(named: input.dashboardName) else {
            throw AdmiralError(.cloudWatchResourceNotFound, "Dashboard \(input.dashboardName) does not exist")
        }
        return CloudWatch.GetDashboardOutput(
            dashboardArn: dashboardARN(context, dashboard.name), dashboardBody: dashboard.body,
            dashboardName: dashboard.name)
    }

    /// ListDashboards.
    public func listDashboards(_ input: CloudWatch.ListDashboardsInput, context: RequestContext) async throws
        -> CloudWatch.ListDashboardsOutput
    {
        var dashboards = try await store.dashboards(prefix: input.dashboardNamePrefix)
        if let token = input.nextToken {
            guard let after = Self.decodeToken(token) else {
                throw AdmiralError(.invalidNextToken, "The NextToken \(token) is not one this server returned.")
            }
            dashboards = dashboards.filter { $0.name > after }
        }
        let page = Array(dashboards.prefix(1000))
        return CloudWatch.ListDashboardsOutput(
            dashboardEntries: page.map {
                CloudWatch.DashboardEntry(
                    dashboardName: $0.name, dashboardArn: dashboardARN(context, $0.name), lastModified: $0.lastModified,
                    size: $0.body.utf8.count)
            },
            nextToken: dashboards.count > page.count ? page.last.map { Self.encodeToken($0.name) } : nil)
    }

    /// DeleteDashboards: all or none.
    public func deleteDashboards(_ input: CloudWatch.DeleteDashboardsInput, context: RequestContext) async throws
        -> CloudWatch.EmptyOutput
    {
        for name in input.dashboardNames where try await store.dashboard(named: name) == nil {
            throw AdmiralError(.cloudWatchResourceNotFound, "Dashboard \(name) does not exist")
        }
        _ = try await store.deleteDashboards(named: input.dashboardNames)
        for name in input.dashboardNames {
            try await store.setTags([], of: dashboardKey(name))
        }
        return CloudWatch.EmptyOutput()
    }
}
