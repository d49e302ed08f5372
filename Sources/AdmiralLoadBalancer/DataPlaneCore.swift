import Logging
import NIOCore

/// What every part of the data plane shares: the event loops with their contexts, the
/// health event hub and the logger.
final class DataPlaneCore: Sendable {
    let eventLoopGroup: any EventLoopGroup
    let loops: [LoopContext]
    private let loopsByID: [ObjectIdentifier: LoopContext]
    let events = HealthEventHub()
    let logger: Logger

    init(eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        var loops: [LoopContext] = []
        var byID: [ObjectIdentifier: LoopContext] = [:]
        for loop in eventLoopGroup.makeIterator() {
            let context = LoopContext(eventLoop: loop)
            loops.append(context)
            byID[ObjectIdentifier(loop)] = context
        }
        self.loops = loops
        self.loopsByID = byID
    }

    /// The context of `eventLoop`, which must belong to ``eventLoopGroup``.
    func context(for eventLoop: any EventLoop) -> LoopContext {
        if let context = loopsByID[ObjectIdentifier(eventLoop)] { return context }
        preconditionFailure("event loop \(eventLoop) is not one of the data plane's")
    }

    /// Closes pooled connections to these endpoints on every loop.
    func closeConnections(to endpoints: [TargetEndpoint], forget: Bool) {
        for context in loops {
            context.eventLoop.execute {
                for endpoint in endpoints { context.closeConnections(to: endpoint, forget: forget) }
            }
        }
    }

    /// Runs `work` at `deadline` on one of the loops.
    func schedule(at deadline: NIODeadline, _ work: @escaping @Sendable () -> Void) {
        eventLoopGroup.next().scheduleTask(deadline: deadline, work)
    }
}
