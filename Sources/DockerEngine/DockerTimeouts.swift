import NIOCore

/// How long each Docker Engine call may take before it fails with ``DockerError/Code/timeout``.
///
/// Named, with the reason for each number, in the manner of the ECS agent's
/// `dockerclient/timeout.go`. Calls that stream for as long as the caller wants (pull,
/// events, wait, following logs) have no timeout here: the caller bounds them by cancelling.
public enum DockerTimeouts {
    /// `/_ping` answers from memory; a daemon that takes longer is unhealthy.
    public static let ping: TimeAmount = .seconds(5)
    /// `/version` answers from memory; used for API version negotiation on the first call.
    public static let version: TimeAmount = .seconds(10)
    /// `/info` counts containers and images and probes the storage driver; slow on busy hosts.
    public static let info: TimeAmount = .seconds(30)
    /// Image inspect reads local metadata only.
    public static let inspectImage: TimeAmount = .seconds(30)
    /// Create sets up the container's writable layer and may copy volume data; the ECS agent
    /// allows four minutes for this on loaded hosts.
    public static let create: TimeAmount = .minutes(4)
    /// Start sets up networking and mounts and runs the runtime; three minutes as in the ECS agent.
    public static let start: TimeAmount = .minutes(3)
    /// Added to a stop's grace period: the daemon waits the grace period, then kills and
    /// reaps the process, which needs time of its own.
    public static let stopMargin: TimeAmount = .seconds(30)
    /// Kill only delivers a signal.
    public static let kill: TimeAmount = .seconds(30)
    /// Container inspect reads the daemon's in-memory state.
    public static let inspectContainer: TimeAmount = .seconds(30)
    /// A one-shot stats reading only reads the container's cgroup files; one slower than
    /// this comes from an overloaded daemon and is skipped rather than let it hold up the
    /// next reading (the ECS agent drops a stats stream silent for 18 s).
    public static let stats: TimeAmount = .seconds(15)
    /// Listing containers walks every container the daemon knows.
    public static let list: TimeAmount = .seconds(30)
    /// Remove deletes the writable layer and anonymous volumes, which can be large; five
    /// minutes as in the ECS agent.
    public static let remove: TimeAmount = .minutes(5)
    /// Reading logs that are not followed reads a bounded file from disk.
    public static let logs: TimeAmount = .minutes(1)
}
