import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle

/// Runs Application Auto Scaling's clock: fires scheduled actions when they are due, once
/// a second. Everything it needs is in the store (each action's last firing), so a
/// restarted server resumes the schedules where they stood.
public struct ScalingController: Service {
    let scaling: ApplicationAutoScalingService
    let logger: Logger

    /// Creates the controller.
    public init(scaling: ApplicationAutoScalingService, logger: Logger) {
        self.scaling = scaling
        self.logger = logger
    }

    public func run() async throws {
        try await runPeriodically(every: .seconds(1), logger: logger, failure: "scheduled scaling failed") {
            try await scaling.fireScheduledActions(now: Date())
        }
    }
}
