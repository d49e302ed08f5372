"""Application Auto Scaling as a user drives it with boto3: scalable targets, target
tracking and step policies fed by CloudWatch alarms, scheduled actions, activities and
errors, on a server with simulated agents whose tasks report the CPU a test sets
(ADMIRAL_SIMULATED_CPU_UNITS), and with short periods (--metrics-interval 1,
--scaling-period 2)."""
import datetime

import pytest

from conftest import wait_for
from wire import error_code

FAST = ["--metrics-interval", "1", "--scaling-period", "2", "--service-healthy-after", "1"]
RESOURCE = "service/scaled/web"


def task_definition(ecs, family, cpu_units):
    ecs.register_task_definition(family=family, containerDefinitions=[
        {"name": "app", "image": "busybox", "cpu": 256, "memory": 64,
         "environment": [{"name": "ADMIRAL_SIMULATED_CPU_UNITS", "value": str(cpu_units)}]}])


@pytest.fixture
def cluster(make_server, make_agent):
    server = make_server(extra_args=FAST)
    ecs = server.boto3()
    ecs.create_cluster(clusterName="scaled")
    make_agent(server, "scaled", args=["--runtime", "simulated", "--count", "2", "--metrics-interval", "1"])
    wait_for("two instances", lambda: len(ecs.list_container_instances(cluster="scaled")["containerInstanceArns"]) == 2)
    return server


def desired(ecs):
    return ecs.describe_services(cluster="scaled", services=["web"])["services"][0]["desiredCount"]


def activities(aas, not_scaled=False):
    return aas.describe_scaling_activities(
        ServiceNamespace="ecs", ResourceId=RESOURCE, IncludeNotScaledActivities=not_scaled)["ScalingActivities"]


def test_target_tracking_scales_out_under_load_and_back_in_after_it(cluster):
    ecs, aas, cw = cluster.boto3(), cluster.boto3("application-autoscaling"), cluster.boto3("cloudwatch")
    task_definition(ecs, "busy", 512)       # 200 % of the 256 units each task reserves
    task_definition(ecs, "idle", 0)
    ecs.create_service(cluster="scaled", serviceName="web", taskDefinition="busy", desiredCount=1)
    aas.register_scalable_target(ServiceNamespace="ecs", ResourceId=RESOURCE,
                                 ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=4)
    policy = aas.put_scaling_policy(
        PolicyName="cpu50", ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension="ecs:service:DesiredCount",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 50.0, "ScaleOutCooldown": 0, "ScaleInCooldown": 0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
    names = sorted(alarm["AlarmName"] for alarm in policy["Alarms"])
    assert [name.split("-")[-6] for name in names] == ["AlarmHigh", "AlarmLow"]
    assert all(name.startswith(f"TargetTracking-{RESOURCE}-Alarm") for name in names)
    high = cw.describe_alarms(AlarmNames=[names[0]])["MetricAlarms"][0]
    assert (high["Namespace"], high["MetricName"], high["Threshold"], high["Period"], high["EvaluationPeriods"]) == \
        ("AWS/ECS", "CPUUtilization", 50.0, 2, 3)
    assert {(d["Name"], d["Value"]) for d in high["Dimensions"]} == {("ClusterName", "scaled"), ("ServiceName", "web")}
    # The alarms belong to the policy.
    assert error_code(cw.delete_alarms, AlarmNames=[names[0]]) == "InvalidParameterValue"

    wait_for("scale-out to the maximum", lambda: desired(ecs) == 4, timeout=90)
    done = [a for a in activities(aas) if a["StatusCode"] == "Successful"]
    assert done and done[0]["Description"].startswith("Setting desired count to")
    assert f"monitor alarm {names[0]} in state ALARM triggered policy cpu50" == done[-1]["Cause"]

    # The load ends: an idle revision replaces the busy tasks, and the service scales in.
    ecs.update_service(cluster="scaled", service="web", taskDefinition="idle")
    wait_for("scale-in to the minimum", lambda: desired(ecs) == 1, timeout=150)
    events = [event["message"] for event in ecs.describe_services(cluster="scaled", services=["web"])["services"][0]["events"]]
    assert any("stopped" in message for message in events)

    # Deleting the policy deletes its alarms.
    aas.delete_scaling_policy(PolicyName="cpu50", ServiceNamespace="ecs", ResourceId=RESOURCE,
                              ScalableDimension="ecs:service:DesiredCount")
    assert cw.describe_alarms(AlarmNames=names)["MetricAlarms"] == []


def test_step_scaling_on_a_users_alarm_and_the_range_and_schedule(cluster):
    ecs, aas, cw = cluster.boto3(), cluster.boto3("application-autoscaling"), cluster.boto3("cloudwatch")
    task_definition(ecs, "quiet", 0)
    ecs.create_service(cluster="scaled", serviceName="web", taskDefinition="quiet", desiredCount=1)
    aas.register_scalable_target(ServiceNamespace="ecs", ResourceId=RESOURCE,
                                 ScalableDimension="ecs:service:DesiredCount", MinCapacity=2, MaxCapacity=6)
    # A new minimum pulls the desired count up at once.
    wait_for("desired count at the new minimum", lambda: desired(ecs) == 2, timeout=10)
    arn = aas.put_scaling_policy(
        PolicyName="queue-steps", ServiceNamespace="ecs", ResourceId=RESOURCE,
        ScalableDimension="ecs:service:DesiredCount", PolicyType="StepScaling",
        StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity", "Cooldown": 0, "MetricAggregationType": "Maximum",
            "StepAdjustments": [
                {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 50, "ScalingAdjustment": 1},
                {"MetricIntervalLowerBound": 50, "ScalingAdjustment": 3}]})["PolicyARN"]
    cw.put_metric_alarm(AlarmName="queue-deep", Namespace="Shop", MetricName="QueueDepth", Statistic="Maximum",
                        Period=10, EvaluationPeriods=1, Threshold=100, ComparisonOperator="GreaterThanThreshold",
                        AlarmActions=[arn])
    policies = aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=RESOURCE)["ScalingPolicies"]
    assert [alarm["AlarmName"] for alarm in policies[0]["Alarms"]] == ["queue-deep"]
    # 100 beyond the threshold: the second step, +3.
    now = datetime.datetime.now(datetime.timezone.utc)
    for seconds in range(0, 30, 5):
        cw.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "QueueDepth", "Value": 200.0, "StorageResolution": 1,
             "Timestamp": now - datetime.timedelta(seconds=seconds)}])
    wait_for("the +3 step", lambda: desired(ecs) == 5, timeout=60)

    # A scheduled action a few seconds ahead caps the service at 3.
    at = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=4)).strftime("%Y-%m-%dT%H:%M:%S")
    aas.put_scheduled_action(ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension="ecs:service:DesiredCount",
                             ScheduledActionName="night", Schedule=f"at({at})",
                             ScalableTargetAction={"MinCapacity": 1, "MaxCapacity": 3})
    cw.delete_alarms(AlarmNames=["queue-deep"])
    wait_for("the schedule to cap the service", lambda: desired(ecs) == 3, timeout=30)
    target = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[RESOURCE])["ScalableTargets"][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 3)
    causes = [activity["Cause"] for activity in activities(aas)]
    assert "scheduled action name night was triggered" in causes
    assert "minimum capacity was set to 2" in causes


def test_bad_requests_get_the_services_errors_and_change_nothing(cluster):
    ecs, aas = cluster.boto3(), cluster.boto3("application-autoscaling")
    task_definition(ecs, "quiet", 0)
    ecs.create_service(cluster="scaled", serviceName="web", taskDefinition="quiet", desiredCount=1)
    common = dict(ServiceNamespace="ecs", ScalableDimension="ecs:service:DesiredCount")
    assert error_code(aas.register_scalable_target, ResourceId="service/scaled/ghost", MinCapacity=1, MaxCapacity=2,
                      **common) == "ValidationException"
    assert error_code(aas.register_scalable_target, ResourceId=RESOURCE, MinCapacity=3, MaxCapacity=2,
                      **common) == "ValidationException"
    assert error_code(aas.register_scalable_target, ServiceNamespace="dynamodb", ResourceId="table/t",
                      ScalableDimension="dynamodb:table:ReadCapacityUnits", MinCapacity=1, MaxCapacity=2) \
        == "ValidationException"
    assert aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"] == []
    assert error_code(aas.put_scaling_policy, PolicyName="p", ResourceId=RESOURCE, PolicyType="StepScaling",
                      StepScalingPolicyConfiguration={"AdjustmentType": "ChangeInCapacity", "StepAdjustments": [
                          {"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]}, **common) \
        == "ObjectNotFoundException"
    aas.register_scalable_target(ResourceId=RESOURCE, MinCapacity=1, MaxCapacity=4, **common)
    # A step table with a gap.
    assert error_code(aas.put_scaling_policy, PolicyName="p", ResourceId=RESOURCE, PolicyType="StepScaling",
                      StepScalingPolicyConfiguration={"AdjustmentType": "ChangeInCapacity", "StepAdjustments": [
                          {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10, "ScalingAdjustment": 1},
                          {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 2}]}, **common) \
        == "ValidationException"
    assert error_code(aas.put_scheduled_action, ResourceId=RESOURCE, ScheduledActionName="bad",
                      Schedule="cron(61 * * * ? *)", ScalableTargetAction={"MinCapacity": 1}, **common) \
        == "ValidationException"
    assert aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"] == []
    assert aas.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"] == []


def test_targets_policies_and_schedules_survive_a_restart(make_server):
    server = make_server(extra_args=FAST)
    ecs, aas = server.boto3(), server.boto3("application-autoscaling")
    ecs.create_cluster(clusterName="scaled")
    task_definition(ecs, "quiet", 0)
    ecs.create_service(cluster="scaled", serviceName="web", taskDefinition="quiet", desiredCount=0)
    common = dict(ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension="ecs:service:DesiredCount")
    aas.register_scalable_target(MinCapacity=0, MaxCapacity=3, **common)
    aas.put_scaling_policy(PolicyName="cpu50", PolicyType="TargetTrackingScaling",
                           TargetTrackingScalingPolicyConfiguration={
                               "TargetValue": 50.0,
                               "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageMemoryUtilization"}},
                           **common)
    aas.put_scheduled_action(ScheduledActionName="later", Schedule="rate(1 day)",
                             ScalableTargetAction={"MinCapacity": 1}, **common)
    server.stop()
    again = make_server(data_dir=server.data_dir, extra_args=FAST)
    aas, cw = again.boto3("application-autoscaling"), again.boto3("cloudwatch")
    assert [t["ResourceId"] for t in aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]] == [RESOURCE]
    policy = aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"][0]
    assert policy["PolicyName"] == "cpu50"
    names = [alarm["AlarmName"] for alarm in policy["Alarms"]]
    assert len(cw.describe_alarms(AlarmNames=names)["MetricAlarms"]) == 2
    assert [a["ScheduledActionName"] for a in aas.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"]] \
        == ["later"]
