import Foundation

/// Lifecycle hooks: which transitions they hold, their timeouts and default results.
public enum LifecycleHookRules {
    public static let launching = "autoscaling:EC2_INSTANCE_LAUNCHING"
    public static let terminating = "autoscaling:EC2_INSTANCE_TERMINATING"
    /// AWS's default heartbeat timeout, an hour.
    public static let defaultHeartbeatTimeout = 3600
    /// A group holds at most this many hooks.
    public static let maxHooksPerGroup = 50

    /// Checks a hook as PutLifecycleHook would store it and fills AWS's defaults.
    public static func normalized(_ hook: EC2AutoScaling.LifecycleHook) throws(AdmiralError)
        -> EC2AutoScaling.LifecycleHook
    {
        var hook = hook
        guard let transition = hook.lifecycleTransition, [launching, terminating].contains(transition) else {
            throw .validation(
                "Invalid Lifecycle Transition \(hook.lifecycleTransition ?? "null"): use \(launching) or \(terminating)."
            )
        }
        let timeout = hook.heartbeatTimeout ?? defaultHeartbeatTimeout
        guard (30...7200).contains(timeout) else {
            throw .validation("HeartbeatTimeout must be between 30 and 7200 seconds; it was \(timeout).")
        }
        let result = hook.defaultResult ?? "ABANDON"
        guard result == "CONTINUE" || result == "ABANDON" else {
            throw .validation("DefaultResult must be CONTINUE or ABANDON; it was \(result).")
        }
        hook.heartbeatTimeout = timeout
        hook.globalTimeout = min(100 * timeout, 172_800)
        hook.defaultResult = result
        return hook
    }
}
