import AdmiralModel
import AdmiralScheduler
import Foundation
import Testing

/// Tasks that wait in PROVISIONING for capacity (a capacity provider with no room) are on
/// no instance, and the reconciler counts them as the service's own.
@Suite("Service reconciler: tasks waiting for capacity")
struct ServicesWaitingTests {
    typealias Sim = ServiceSimulation

    @Test("waiting tasks count: the scheduler neither launches more nor calls them lost")
    func waitingTasksCount() {
        let service = ServiceSpec(name: "web", desiredCount: 3)
        var sim = Sim.steady(service, running: 1)
        for _ in 0..<2 { sim.addTask(deployment: Sim.oldId, status: .provisioning, instance: "") }
        #expect(sim.state.tasks.filter(\.isWaitingForCapacity).count == 2)
        let plan = sim.step()
        #expect(plan.startedCount == 0)
        #expect(plan.stops.isEmpty)
        let deployment = sim.state.deployments.first { $0.id == Sim.oldId }
        #expect(deployment?.pendingCount == 2)
    }

    @Test("scaling in stops the waiting tasks before the running ones")
    func scaleInStopsWaitingFirst() {
        let service = ServiceSpec(name: "web", desiredCount: 3)
        var sim = Sim.steady(service, running: 1)
        let waiting = (0..<2).map { _ in sim.addTask(deployment: Sim.oldId, status: .provisioning, instance: "") }
        sim.state.service.desiredCount = 1
        let plan = sim.step()
        #expect(Set(plan.stops.map(\.taskArn)) == Set(waiting))
    }
}
