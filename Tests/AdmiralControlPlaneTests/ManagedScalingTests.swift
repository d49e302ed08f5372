import AdmiralControlPlane
import AdmiralModel
import Testing

@Suite("Managed scaling: CapacityProviderReservation")
struct ManagedScalingTests {
    static let size = InstanceResources(cpu: 2048, memory: 2048)
    static let task = TaskReservation(cpu: 0, memory: 1000)

    func host(tasks: Int) -> ManagedScaling.Host {
        ManagedScaling.Host(
            remaining: InstanceResources(cpu: 2048, memory: 2048 - 1000 * tasks), registered: Self.size, tasks: tasks)
    }

    func reservation(
        _ hosts: [ManagedScaling.Host], launching: Int = 0, waiting: Int, minimumStep: Int = 1, maximumStep: Int = 10_000
    ) -> Double {
        ManagedScaling.reservation(
            hosts: hosts, launching: launching, waiting: Array(repeating: Self.task, count: waiting),
            minimumStep: minimumStep, maximumStep: maximumStep)
    }

    @Test("with no instance: 200 while tasks wait, 100 otherwise; instances on their way hold it")
    func noInstances() {
        #expect(reservation([], waiting: 0) == 100)
        #expect(reservation([], waiting: 3) == 200)
        #expect(reservation([], launching: 1, waiting: 3) == 100)
        #expect(reservation([], launching: 2, waiting: 0) == 0)
    }

    @Test("instances in use over instances")
    func inUse() {
        #expect(abs(reservation([host(tasks: 2), host(tasks: 1), host(tasks: 0)], waiting: 0) - 200.0 / 3) < 1e-9)
        #expect(reservation([host(tasks: 0)], waiting: 0) == 0)
        // Waiting tasks that fit on an idle instance count it as needed, nothing more.
        #expect(reservation([host(tasks: 2), host(tasks: 0)], waiting: 2) == 100)
    }

    @Test("tasks that fit nowhere ask for as many new instances as they fill")
    func scaleOut() {
        // One full host, four tasks of 1,000 MiB waiting: two more hosts of 2,048 MiB.
        #expect(reservation([host(tasks: 2)], waiting: 4) == 300)
        // Two launching hosts already take them.
        #expect(reservation([host(tasks: 2)], launching: 2, waiting: 4) == 100)
        // The step bounds: at least the minimum, at most the maximum.
        #expect(reservation([host(tasks: 2)], waiting: 1, minimumStep: 3) == 400)
        #expect(reservation([host(tasks: 2)], waiting: 10, maximumStep: 2) == 300)
        // A task larger than any host: one more host is asked for, not an endless number.
        let huge = ManagedScaling.reservation(
            hosts: [host(tasks: 2)], waiting: [TaskReservation(cpu: 0, memory: 4096)], minimumStep: 1,
            maximumStep: 10_000)
        #expect(huge == 200)
    }
}
