import AdmiralControlPlane
import Foundation
import Synchronization

/// An instance provider for tests: records what it is asked, fails launches of the
/// instance types it is told to, and reports hosts gone on demand.
final class FakeInstanceProvider: InstanceProvider {
    struct Calls {
        var launched: [InstanceLaunchRequest] = []
        var terminated: [String] = []
        var resumed: [InstanceLaunchRequest] = []
        var gone: [String: String] = [:]
        var failingTypes: [String: String] = [:]
        var terminateFailures = 0
    }

    let calls = Mutex(Calls())

    var kind: String { "fake" }

    func launch(_ request: InstanceLaunchRequest) async throws {
        let failure = calls.withLock { calls -> String? in
            calls.launched.append(request)
            return calls.failingTypes[request.instanceType]
        }
        if let failure { throw InstanceLaunchError(failure) }
    }

    func terminate(instanceId: String) async throws {
        let fail = calls.withLock { calls -> Bool in
            if calls.terminateFailures > 0 {
                calls.terminateFailures -= 1
                return true
            }
            calls.terminated.append(instanceId)
            return false
        }
        if fail { throw InstanceLaunchError("the host did not answer") }
    }

    func hostState(instanceId: String) async -> InstanceHostState {
        calls.withLock { $0.gone[instanceId] }.map { .gone(reason: $0) } ?? .running
    }

    func resume(_ requests: [InstanceLaunchRequest]) async {
        calls.withLock { $0.resumed += requests }
    }
}
