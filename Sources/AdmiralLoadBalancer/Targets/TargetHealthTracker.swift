/// The result of one health check.
enum HealthCheckOutcome: Sendable, Equatable {
    /// The target answered with a status the matcher accepts.
    case success
    /// The target answered with another status.
    case responseCodeMismatch(Int)
    /// No answer within the health check timeout.
    case timeout
    /// The connection failed or reset, or the answer was not HTTP.
    case failed
}

/// One target's health-check history, as a pure state machine: ALB's thresholds turn
/// consecutive outcomes into `initial`, `healthy` and `unhealthy`.
struct TargetHealthTracker: Sendable, Equatable {
    private(set) var health: TargetHealth = .registering
    private var consecutiveSuccesses = 0
    private var consecutiveFailures = 0

    var isHealthy: Bool { health.state == .healthy }

    /// Records an outcome; returns whether the reported health changed.
    @discardableResult
    mutating func record(_ outcome: HealthCheckOutcome, healthyThreshold: Int, unhealthyThreshold: Int) -> Bool {
        let before = health
        switch outcome {
        case .success:
            consecutiveFailures = 0
            consecutiveSuccesses += 1
            switch health.state {
            case .healthy:
                break
            default:
                if consecutiveSuccesses >= healthyThreshold {
                    health = .healthy
                } else if health.state == .initial {
                    health = .initialChecking
                }
            }
        case .responseCodeMismatch, .timeout, .failed:
            consecutiveSuccesses = 0
            consecutiveFailures += 1
            let failure: TargetHealth =
                switch outcome {
                case .responseCodeMismatch(let status): .responseCodeMismatch(status)
                case .timeout: .timedOut
                default: .failed
                }
            switch health.state {
            case .unhealthy:
                health = failure
            default:
                if consecutiveFailures >= unhealthyThreshold {
                    health = failure
                } else if health.state == .initial {
                    health = .initialChecking
                }
            }
        }
        return health != before
    }

    /// Back to `initial` / `Elb.RegistrationInProgress`, as for a new registration.
    mutating func reset() {
        self = TargetHealthTracker()
    }
}
