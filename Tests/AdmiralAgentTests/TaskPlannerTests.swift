import AdmiralModel
import Foundation
import Testing

@testable import AdmiralAgent

@Suite("The agent's task planner")
struct TaskPlannerTests {
    let now = Date(timeIntervalSince1970: 1000)

    func plan(_ task: LocalTask, startTimeout: TimeInterval = 180) -> [TaskAction] {
        TaskPlanner.next(task, now: now, startTimeout: startTimeout)
    }

    @Test("a new task first makes its images available")
    func imagesFirst() {
        let task = Fixtures.local(Fixtures.task([Fixtures.container("web")]), imagesReady: false)
        #expect(plan(task) == [.prepareImages])
        #expect(task.status == .pending)
    }

    @Test("containers are created once their volumesFrom sources and link targets exist")
    func creationOrder() {
        let definition = Fixtures.task([
            Fixtures.container("app", links: ["db:database"], volumesFrom: ["data"]),
            Fixtures.container("db"), Fixtures.container("data", essential: false),
        ])
        #expect(plan(Fixtures.local(definition)) == [.create("db"), .create("data")])
        let created = Fixtures.local(definition, phases: ["db": .created, "data": .created])
        #expect(plan(created) == [.create("app")])
    }

    @Test("a container starts when its dependencies are met: START, COMPLETE, SUCCESS, HEALTHY")
    func dependsOnConditions() {
        let definition = Fixtures.task([
            Fixtures.container("init", essential: false), Fixtures.container("proxy", healthCheck: true),
            Fixtures.container("app", dependsOn: [("init", .success), ("proxy", .healthy)]),
            Fixtures.container("logger", essential: false, dependsOn: [("app", .start)]),
            Fixtures.container("report", essential: false, dependsOn: [("init", .complete)]),
        ])
        let fresh = Fixtures.local(
            definition, phases: ["init": .created, "proxy": .created, "app": .created, "logger": .created, "report": .created])
        #expect(plan(fresh) == [.start("init"), .start("proxy")])

        let initDone = Fixtures.local(
            definition, phases: ["init": .exited, "proxy": .running, "app": .created, "logger": .created, "report": .created],
            exitCodes: ["init": 0], health: ["proxy": .starting])
        #expect(plan(initDone) == [.start("report")])

        let healthy = Fixtures.local(
            definition, phases: ["init": .exited, "proxy": .running, "app": .created, "logger": .created, "report": .running],
            exitCodes: ["init": 0], health: ["proxy": .healthy])
        #expect(plan(healthy) == [.start("app")])

        let appUp = Fixtures.local(
            definition, phases: ["init": .exited, "proxy": .running, "app": .running, "logger": .created, "report": .running],
            exitCodes: ["init": 0], health: ["proxy": .healthy])
        #expect(plan(appUp) == [.start("logger")])
        #expect(appUp.status == .pending)

        let all = Fixtures.local(
            definition, phases: ["init": .exited, "proxy": .running, "app": .running, "logger": .running, "report": .exited],
            exitCodes: ["init": 0, "report": 0], health: ["proxy": .healthy])
        #expect(plan(all).isEmpty)
        #expect(all.status == .running)
    }

    @Test("a SUCCESS dependency that exits non-zero fails the task")
    func successNotMet() throws {
        let definition = Fixtures.task([
            Fixtures.container("init", essential: false), Fixtures.container("app", dependsOn: [("init", .success)]),
        ])
        let task = Fixtures.local(definition, phases: ["init": .exited, "app": .created], exitCodes: ["init": 3])
        let actions = plan(task)
        guard case .fail(let reason) = try #require(actions.first) else {
            Issue.record("expected a failure, got \(actions)")
            return
        }
        #expect(reason.contains("exited with code 3"))
    }

    @Test("waiting for a dependency longer than the start timeout fails the task")
    func startTimeout() throws {
        let definition = Fixtures.task([
            Fixtures.container("proxy", healthCheck: true), Fixtures.container("app", dependsOn: [("proxy", .healthy)]),
        ])
        let waiting = Fixtures.local(
            definition, phases: ["proxy": .running, "app": .created], health: ["proxy": .starting],
            waitingSince: now.addingTimeInterval(-10))
        #expect(plan(waiting, startTimeout: 60).isEmpty)
        let late = Fixtures.local(
            definition, phases: ["proxy": .running, "app": .created], health: ["proxy": .starting],
            waitingSince: now.addingTimeInterval(-61))
        guard case .fail(let reason) = try #require(plan(late, startTimeout: 60).first) else {
            Issue.record("expected a failure")
            return
        }
        #expect(reason.contains("timed out"))
    }

    @Test("an essential container's exit stops the task; a non-essential one's does not")
    func essentialExit() {
        let definition = Fixtures.task([Fixtures.container("web"), Fixtures.container("side", essential: false)])
        let sideExited = Fixtures.local(definition, phases: ["web": .running, "side": .exited], exitCodes: ["side": 1])
        #expect(plan(sideExited).isEmpty)
        #expect(sideExited.status == .running)
        let webExited = Fixtures.local(definition, phases: ["web": .exited, "side": .running], exitCodes: ["web": 137])
        #expect(plan(webExited) == [.fail(TaskPlanner.essentialContainerExited)])
    }

    @Test("a task asked to stop stops its running containers, dependents first, then is STOPPED")
    func stopping() {
        let definition = Fixtures.task(
            [Fixtures.container("app", dependsOn: [("db", .start)]), Fixtures.container("db")], desired: .stopped)
        let running = Fixtures.local(definition, phases: ["app": .running, "db": .running])
        #expect(plan(running) == [.stop("app")])
        #expect(running.status == .running)
        let appStopped = Fixtures.local(definition, phases: ["app": .exited, "db": .running])
        #expect(plan(appStopped) == [.stop("db")])
        let stopped = Fixtures.local(definition, phases: ["app": .exited, "db": .exited])
        #expect(plan(stopped).isEmpty)
        #expect(stopped.status == .stopped)
    }

    @Test("a task stopped before anything ran is STOPPED at once, with nothing to do")
    func stoppedBeforeStart() {
        let task = Fixtures.local(Fixtures.task([Fixtures.container("web")], desired: .stopped), imagesReady: false)
        #expect(plan(task).isEmpty)
        #expect(task.status == .stopped)
    }
}
