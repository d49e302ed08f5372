/// The quotas of Application Load Balancers that Admiral enforces, at AWS's default
/// values ("Quotas for your Application Load Balancers"). DescribeAccountLimits reports
/// them under AWS's limit names.
public enum ELBv2Limits {
    /// Application load balancers per region.
    public static let loadBalancers = 50
    /// Target groups per region.
    public static let targetGroups = 3000
    /// Listeners per load balancer.
    public static let listenersPerLoadBalancer = 50
    /// Rules per load balancer, not counting the default rules.
    public static let rulesPerLoadBalancer = 100
    /// Targets per load balancer, over all its target groups.
    public static let targetsPerLoadBalancer = 1000
    /// Targets per target group.
    public static let targetsPerTargetGroup = 1000
    /// Distinct target groups per load balancer.
    public static let targetGroupsPerLoadBalancer = 100
    /// Target groups in one forward action.
    public static let targetGroupsPerAction = 5
    /// Condition values (match evaluations) in one condition.
    public static let valuesPerCondition = 3
    /// Condition values (match evaluations) in one rule.
    public static let conditionValuesPerRule = 5
    /// Wildcards (`*` and `?`) in the conditions of one rule.
    public static let conditionWildcardsPerRule = 5
    /// Tags per resource.
    public static let tagsPerResource = 50
    /// Resources in one DescribeTags, AddTags or RemoveTags call, and load balancers,
    /// target groups or listeners named in one Describe call.
    public static let resourcesPerCall = 20

    /// The limits as DescribeAccountLimits names them.
    public static let accountLimits: [(name: String, max: Int)] = [
        ("application-load-balancers", loadBalancers),
        ("condition-values-per-alb-rule", conditionValuesPerRule),
        ("condition-wildcards-per-alb-rule", conditionWildcardsPerRule),
        ("listeners-per-application-load-balancer", listenersPerLoadBalancer),
        ("rules-per-application-load-balancer", rulesPerLoadBalancer),
        ("target-groups", targetGroups),
        ("target-groups-per-action-on-application-load-balancer", targetGroupsPerAction),
        ("target-groups-per-application-load-balancer", targetGroupsPerLoadBalancer),
        ("targets-per-application-load-balancer", targetsPerLoadBalancer),
    ]
}
