"""EC2 Auto Scaling through the real `aws autoscaling` CLI: launch configurations, groups,
tags, processes, and AWS's errors for bad input, each refused call changing nothing.

Groups here are made with AvailabilityZones; whether instances launch depends on the
server's EC2 registry (tests that need real instances belong with the EC2 tests)."""

import json


def error_of(result):
    """The error code and message the CLI printed for a failed call."""
    assert result.returncode != 0, result.stdout
    return result.stderr


def make_lc(server, name="web-lc"):
    server.aws(
        "autoscaling", "create-launch-configuration", "--launch-configuration-name", name,
        "--image-id", "ami-admiral", "--instance-type", "t3.micro",
        "--user-data", "#!/bin/bash\necho ECS_CLUSTER=web >> /etc/ecs/ecs.config\n")


def describe_groups(server, *names):
    args = ["autoscaling", "describe-auto-scaling-groups"]
    if names:
        args += ["--auto-scaling-group-names", *names]
    return server.aws(*args)["AutoScalingGroups"]


def test_launch_configurations_are_created_described_and_deleted(server):
    make_lc(server)
    configs = server.aws("autoscaling", "describe-launch-configurations")["LaunchConfigurations"]
    assert [c["LaunchConfigurationName"] for c in configs] == ["web-lc"]
    config = configs[0]
    assert config["ImageId"] == "ami-admiral"
    assert config["InstanceType"] == "t3.micro"
    assert config["LaunchConfigurationARN"].startswith("arn:aws:autoscaling:us-east-1:")
    assert ":launchConfigurationName/web-lc" in config["LaunchConfigurationARN"]

    again = server.aws(
        "autoscaling", "create-launch-configuration", "--launch-configuration-name", "web-lc",
        "--image-id", "ami-admiral", "--instance-type", "t3.micro", check=False)
    assert "AlreadyExists" in error_of(again)
    assert "A launch configuration already exists with the name web-lc" in again.stderr

    server.aws("autoscaling", "delete-launch-configuration", "--launch-configuration-name", "web-lc")
    assert server.aws("autoscaling", "describe-launch-configurations")["LaunchConfigurations"] == []
    missing = server.aws(
        "autoscaling", "delete-launch-configuration", "--launch-configuration-name", "web-lc", check=False)
    assert "ValidationError" in error_of(missing)


def test_bad_groups_are_refused_with_aws_errors_and_change_nothing(server):
    make_lc(server)
    min_above_max = server.aws(
        "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
        "--launch-configuration-name", "web-lc", "--min-size", "3", "--max-size", "1",
        "--availability-zones", "us-east-1a", check=False)
    assert "ValidationError" in error_of(min_above_max)
    assert "Max bound, 1, must be greater than or equal to min bound, 3" in min_above_max.stderr

    desired_outside = server.aws(
        "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
        "--launch-configuration-name", "web-lc", "--min-size", "0", "--max-size", "2",
        "--desired-capacity", "5", "--availability-zones", "us-east-1a", check=False)
    assert "Desired capacity:5 must be between the specified min size:0 and max size:2" in error_of(
        desired_outside)

    unknown_lc = server.aws(
        "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
        "--launch-configuration-name", "nope", "--min-size", "0", "--max-size", "2",
        "--availability-zones", "us-east-1a", check=False)
    assert "ValidationError" in error_of(unknown_lc)
    assert "Launch configuration nope not found" in unknown_lc.stderr

    no_source = server.aws(
        "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
        "--min-size", "0", "--max-size", "2", "--availability-zones", "us-east-1a", check=False)
    assert "Valid requests must contain either LaunchTemplate, LaunchConfigurationName" in error_of(no_source)

    assert describe_groups(server) == []
    assert server.aws("autoscaling", "describe-scaling-activities")["Activities"] == []


def test_a_group_is_created_updated_and_its_launch_configuration_kept(server):
    make_lc(server)
    server.aws(
        "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
        "--launch-configuration-name", "web-lc", "--min-size", "0", "--max-size", "4",
        "--desired-capacity", "0", "--availability-zones", "us-east-1a", "us-east-1b",
        "--health-check-grace-period", "30", "--termination-policies", "OldestInstance",
        "--tags", "Key=team,Value=web,PropagateAtLaunch=true")
    [group] = describe_groups(server, "web")
    assert group["LaunchConfigurationName"] == "web-lc"
    assert (group["MinSize"], group["MaxSize"], group["DesiredCapacity"]) == (0, 4, 0)
    assert group["AvailabilityZones"] == ["us-east-1a", "us-east-1b"]
    assert group["HealthCheckType"] == "EC2"
    assert group["HealthCheckGracePeriod"] == 30
    assert group["TerminationPolicies"] == ["OldestInstance"]
    assert group["DefaultCooldown"] == 300
    assert ":autoScalingGroupName/web" in group["AutoScalingGroupARN"]
    assert group["Tags"] == [{
        "ResourceId": "web", "ResourceType": "auto-scaling-group", "Key": "team", "Value": "web",
        "PropagateAtLaunch": True}]

    duplicate = server.aws(
        "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
        "--launch-configuration-name", "web-lc", "--min-size", "0", "--max-size", "1",
        "--availability-zones", "us-east-1a", check=False)
    assert "AlreadyExists" in error_of(duplicate)

    in_use = server.aws(
        "autoscaling", "delete-launch-configuration", "--launch-configuration-name", "web-lc", check=False)
    assert "ResourceInUse" in error_of(in_use)
    assert "Cannot delete launch configuration web-lc because it is attached to AutoScalingGroup web" in (
        in_use.stderr)
    assert len(server.aws("autoscaling", "describe-launch-configurations")["LaunchConfigurations"]) == 1

    too_many = server.aws(
        "autoscaling", "set-desired-capacity", "--auto-scaling-group-name", "web", "--desired-capacity", "9",
        check=False)
    assert "New SetDesiredCapacity value 9 is above max value 4 for the AutoScalingGroup." in error_of(too_many)

    server.aws("autoscaling", "update-auto-scaling-group", "--auto-scaling-group-name", "web",
               "--max-size", "6", "--health-check-type", "ELB")
    [group] = describe_groups(server, "web")
    assert (group["MaxSize"], group["HealthCheckType"]) == (6, "ELB")
    bad_update = server.aws("autoscaling", "update-auto-scaling-group", "--auto-scaling-group-name", "web",
                            "--min-size", "7", check=False)
    assert "ValidationError" in error_of(bad_update)
    assert describe_groups(server, "web")[0]["MinSize"] == 0

    server.aws("autoscaling", "delete-auto-scaling-group", "--auto-scaling-group-name", "web")
    assert describe_groups(server) == []
    server.aws("autoscaling", "delete-launch-configuration", "--launch-configuration-name", "web-lc")


def test_tags_processes_and_limits(server):
    make_lc(server)
    for name in ("a", "b"):
        server.aws(
            "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", name,
            "--launch-configuration-name", "web-lc", "--min-size", "0", "--max-size", "1",
            "--availability-zones", "us-east-1a")
    server.aws("autoscaling", "create-or-update-tags", "--tags",
               "ResourceId=a,ResourceType=auto-scaling-group,Key=env,Value=prod,PropagateAtLaunch=true",
               "ResourceId=b,ResourceType=auto-scaling-group,Key=env,Value=dev,PropagateAtLaunch=false")
    tags = server.aws("autoscaling", "describe-tags", "--filters", "Name=value,Values=prod")["Tags"]
    assert [(t["ResourceId"], t["Key"], t["Value"]) for t in tags] == [("a", "env", "prod")]
    filtered = server.aws("autoscaling", "describe-auto-scaling-groups", "--filters",
                          "Name=tag:env,Values=dev")["AutoScalingGroups"]
    assert [g["AutoScalingGroupName"] for g in filtered] == ["b"]
    server.aws("autoscaling", "delete-tags", "--tags", "ResourceId=a,ResourceType=auto-scaling-group,Key=env")
    assert [t["ResourceId"] for t in server.aws("autoscaling", "describe-tags")["Tags"]] == ["b"]

    server.aws("autoscaling", "suspend-processes", "--auto-scaling-group-name", "a",
               "--scaling-processes", "Launch", "AZRebalance")
    suspended = describe_groups(server, "a")[0]["SuspendedProcesses"]
    assert sorted(p["ProcessName"] for p in suspended) == ["AZRebalance", "Launch"]
    assert suspended[0]["SuspensionReason"].startswith("User suspended at ")
    server.aws("autoscaling", "resume-processes", "--auto-scaling-group-name", "a")
    assert describe_groups(server, "a")[0]["SuspendedProcesses"] == []

    paged = server.aws("autoscaling", "describe-auto-scaling-groups", "--max-items", "1")
    assert len(paged["AutoScalingGroups"]) == 1 and "NextToken" in paged

    limits = server.aws("autoscaling", "describe-account-limits")
    assert limits["NumberOfAutoScalingGroups"] == 2
    assert limits["NumberOfLaunchConfigurations"] == 1

    unknown = server.aws("autoscaling", "set-desired-capacity", "--auto-scaling-group-name", "zzz",
                         "--desired-capacity", "1", check=False)
    assert "AutoScalingGroup name not found" in error_of(unknown)


# Groups that launch instances: EC2's registry and the simulated instance provider
# (in-process agents), so that instances really start, register and stop.

import time


def wait_for(predicate, timeout=30, interval=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def in_service(server, group):
    instances = server.aws("autoscaling", "describe-auto-scaling-instances")["AutoScalingInstances"]
    return [i for i in instances if i["AutoScalingGroupName"] == group and i["LifecycleState"] == "InService"]


def test_a_group_launches_instances_across_zones_that_join_the_cluster_and_replaces_a_lost_one(make_server):
    server = make_server(extra_args=["--instance-provider", "simulated"])
    subnets = server.aws("ec2", "describe-subnets")["Subnets"][:2]
    image = server.aws("ec2", "describe-images")["Images"][0]["ImageId"]
    server.aws("ecs", "create-cluster", "--cluster-name", "web")
    server.aws(
        "autoscaling", "create-launch-configuration", "--launch-configuration-name", "web-lc",
        "--image-id", image, "--instance-type", "t3.micro",
        "--user-data", "#!/bin/bash\necho ECS_CLUSTER=web >> /etc/ecs/ecs.config\n")

    unknown_subnet = server.aws(
        "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
        "--launch-configuration-name", "web-lc", "--min-size", "0", "--max-size", "4",
        "--vpc-zone-identifier", "subnet-0000000000000dead", check=False)
    assert "The subnet ID 'subnet-0000000000000dead' does not exist" in error_of(unknown_subnet)

    server.aws(
        "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
        "--launch-configuration-name", "web-lc", "--min-size", "0", "--max-size", "4",
        "--desired-capacity", "2", "--vpc-zone-identifier", ",".join(s["SubnetId"] for s in subnets),
        "--tags", "Key=team,Value=web,PropagateAtLaunch=true")
    running = wait_for(lambda: len(in_service(server, "web")) == 2 and in_service(server, "web"))
    assert sorted(i["AvailabilityZone"] for i in running) == sorted(s["AvailabilityZone"] for s in subnets)

    arns = wait_for(lambda: len(server.aws("ecs", "list-container-instances", "--cluster", "web")[
        "containerInstanceArns"]) == 2 and server.aws("ecs", "list-container-instances", "--cluster", "web")[
        "containerInstanceArns"])
    described = server.aws("ecs", "describe-container-instances", "--cluster", "web",
                           "--container-instances", *arns)["containerInstances"]
    assert sorted(c["ec2InstanceId"] for c in described) == sorted(i["InstanceId"] for i in running)

    reservations = server.aws("ec2", "describe-instances", "--instance-ids", running[0]["InstanceId"])
    tags = {t["Key"]: t["Value"] for t in reservations["Reservations"][0]["Instances"][0].get("Tags", [])}
    assert tags["aws:autoscaling:groupName"] == "web" and tags["team"] == "web"

    activities = server.aws("autoscaling", "describe-scaling-activities", "--auto-scaling-group-name", "web")[
        "Activities"]
    assert sorted(a["Description"] for a in activities) == sorted(
        f"Launching a new EC2 instance: {i['InstanceId']}" for i in running)
    assert all("a user request created an AutoScalingGroup changing the desired capacity from 0 to 2." in a["Cause"]
               and "increasing the capacity from 0 to 2." in a["Cause"] for a in activities)

    # An instance terminated outside the group is replaced.
    lost = running[0]["InstanceId"]
    server.aws("ec2", "terminate-instances", "--instance-ids", lost)
    wait_for(lambda: len(in_service(server, "web")) == 2 and lost not in [i["InstanceId"] for i in in_service(
        server, "web")])
    activities = server.aws("autoscaling", "describe-scaling-activities", "--auto-scaling-group-name", "web")[
        "Activities"]
    terminating = [a for a in activities if a["Description"] == f"Terminating EC2 instance: {lost}"]
    assert terminating and "an EC2 health check indicating it has been terminated or stopped" in terminating[0]["Cause"]

    # The launch configuration is in use; scaled to 0 the group can go.
    in_use = server.aws("autoscaling", "delete-launch-configuration", "--launch-configuration-name", "web-lc",
                        check=False)
    assert "ResourceInUse" in error_of(in_use)
    busy = server.aws("autoscaling", "delete-auto-scaling-group", "--auto-scaling-group-name", "web", check=False)
    assert "ResourceInUse" in error_of(busy) or "ScalingActivityInProgress" in busy.stderr
    server.aws("autoscaling", "set-desired-capacity", "--auto-scaling-group-name", "web", "--desired-capacity", "0")
    wait_for(lambda: server.aws("autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "web")[
        "AutoScalingGroups"][0]["Instances"] == [])
    server.aws("autoscaling", "delete-auto-scaling-group", "--auto-scaling-group-name", "web")
    server.aws("autoscaling", "delete-launch-configuration", "--launch-configuration-name", "web-lc")
    states = [i["State"]["Name"] for r in server.aws("ec2", "describe-instances")["Reservations"] for i in r["Instances"]]
    assert "running" not in states and "pending" not in states


def test_policies_scheduled_actions_and_hooks_through_the_cli(server):
    make_lc(server)
    server.aws(
        "autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
        "--launch-configuration-name", "web-lc", "--min-size", "0", "--max-size", "6",
        "--desired-capacity", "0", "--availability-zones", "us-east-1a")
    simple = server.aws(
        "autoscaling", "put-scaling-policy", "--auto-scaling-group-name", "web", "--policy-name", "add-two",
        "--policy-type", "SimpleScaling", "--adjustment-type", "ChangeInCapacity", "--scaling-adjustment", "2")
    assert simple["PolicyARN"].endswith(":autoScalingGroupName/web:policyName/add-two")
    server.aws("autoscaling", "execute-policy", "--auto-scaling-group-name", "web", "--policy-name", "add-two")
    assert describe_groups(server, "web")[0]["DesiredCapacity"] == 2
    cooling = server.aws("autoscaling", "execute-policy", "--auto-scaling-group-name", "web",
                         "--policy-name", "add-two", "--honor-cooldown", check=False)
    assert "ScalingActivityInProgress" in error_of(cooling)

    tracking = server.aws(
        "autoscaling", "put-scaling-policy", "--auto-scaling-group-name", "web", "--policy-name", "cpu50",
        "--policy-type", "TargetTrackingScaling", "--target-tracking-configuration",
        json.dumps({"TargetValue": 50.0,
                    "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"}}))
    names = [a["AlarmName"] for a in tracking["Alarms"]]
    assert len(names) == 2 and all(n.startswith("TargetTracking-web-Alarm") for n in names)
    alarms = server.aws("cloudwatch", "describe-alarms", "--alarm-names", *names)["MetricAlarms"]
    assert {a["MetricName"] for a in alarms} == {"CPUUtilization"}
    assert alarms[0]["Dimensions"] == [{"Name": "AutoScalingGroupName", "Value": "web"}]
    policies = server.aws("autoscaling", "describe-policies", "--auto-scaling-group-name", "web")["ScalingPolicies"]
    assert sorted(p["PolicyName"] for p in policies) == ["add-two", "cpu50"]
    server.aws("autoscaling", "delete-policy", "--auto-scaling-group-name", "web", "--policy-name", "cpu50")
    assert server.aws("cloudwatch", "describe-alarms", "--alarm-names", *names)["MetricAlarms"] == []

    server.aws("autoscaling", "put-scheduled-update-group-action", "--auto-scaling-group-name", "web",
               "--scheduled-action-name", "nightly", "--recurrence", "0 22 * * *", "--min-size", "1")
    actions = server.aws("autoscaling", "describe-scheduled-actions", "--auto-scaling-group-name", "web")[
        "ScheduledUpdateGroupActions"]
    assert [(a["ScheduledActionName"], a["Recurrence"], a["MinSize"]) for a in actions] == [("nightly", "0 22 * * *", 1)]
    bad = server.aws("autoscaling", "put-scheduled-update-group-action", "--auto-scaling-group-name", "web",
                     "--scheduled-action-name", "broken", "--recurrence", "0 22 *", "--min-size", "1", check=False)
    assert "ValidationError" in error_of(bad)
    server.aws("autoscaling", "delete-scheduled-action", "--auto-scaling-group-name", "web",
               "--scheduled-action-name", "nightly")

    server.aws("autoscaling", "put-lifecycle-hook", "--auto-scaling-group-name", "web", "--lifecycle-hook-name",
               "drain", "--lifecycle-transition", "autoscaling:EC2_INSTANCE_TERMINATING", "--heartbeat-timeout", "300")
    hooks = server.aws("autoscaling", "describe-lifecycle-hooks", "--auto-scaling-group-name", "web")["LifecycleHooks"]
    assert [(h["LifecycleHookName"], h["HeartbeatTimeout"], h["DefaultResult"]) for h in hooks] == [
        ("drain", 300, "ABANDON")]
    nothing = server.aws("autoscaling", "complete-lifecycle-action", "--auto-scaling-group-name", "web",
                         "--lifecycle-hook-name", "drain", "--lifecycle-action-result", "CONTINUE",
                         "--instance-id", "i-0123456789abcdef0", check=False)
    assert "No active Lifecycle Action found" in error_of(nothing)
    server.aws("autoscaling", "delete-lifecycle-hook", "--auto-scaling-group-name", "web",
               "--lifecycle-hook-name", "drain")
