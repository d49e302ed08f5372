"""ECS capacity providers over EC2 Auto Scaling groups, with simulated instances: the API
and its errors, the cluster's providers and default strategy, and tasks placed on the
instances of the provider their strategy names."""
import datetime

import botocore.exceptions
import pytest

from conftest import wait_for
from test_instances_docker import agent_image, container_instances
from test_load_balancing import unique

USER_DATA = "#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n"


def error_code(call, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def group(asg, name, cluster, image, desired=0, protected=True):
    asg.create_launch_configuration(LaunchConfigurationName=name, ImageId=image, InstanceType="t3.medium",
                                    UserData=USER_DATA.format(cluster=cluster))
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchConfigurationName=name, MinSize=0, MaxSize=4,
                                  DesiredCapacity=desired, AvailabilityZones=["us-east-1a", "us-east-1b"],
                                  NewInstancesProtectedFromScaleIn=protected)
    return asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["AutoScalingGroupARN"]


def test_capacity_providers_place_tasks_on_their_groups_instances(make_server):
    server = make_server(extra_args=["--instance-provider", "simulated"])
    ecs, ec2, asg = server.boto3(), server.boto3("ec2"), server.boto3("autoscaling")
    cluster = unique("cp")
    ecs.create_cluster(clusterName=cluster)
    image = agent_image(ec2)
    arn = group(asg, f"{cluster}-asg", cluster, image)
    unprotected = group(asg, f"{cluster}-open", cluster, image, protected=False)

    provider = ecs.create_capacity_provider(name=f"{cluster}-cp", autoScalingGroupProvider={
        "autoScalingGroupArn": arn, "managedTerminationProtection": "ENABLED",
        "managedScaling": {"status": "ENABLED", "targetCapacity": 90}}, tags=[{"key": "team", "value": "web"}]
    )["capacityProvider"]
    assert provider["status"] == "ACTIVE"
    assert provider["capacityProviderArn"].endswith(f":capacity-provider/{cluster}-cp")
    scaling = provider["autoScalingGroupProvider"]["managedScaling"]
    assert scaling == {"status": "ENABLED", "targetCapacity": 90, "minimumScalingStepSize": 1,
                       "maximumScalingStepSize": 10000, "instanceWarmupPeriod": 300}

    # Refused, changing nothing.
    assert error_code(ecs.create_capacity_provider, name=f"{cluster}-cp",
                      autoScalingGroupProvider={"autoScalingGroupArn": unprotected})[0] == "ClientException"
    assert error_code(ecs.create_capacity_provider, name=f"{cluster}-again",
                      autoScalingGroupProvider={"autoScalingGroupArn": arn})[0] == "ClientException"
    assert error_code(ecs.create_capacity_provider, name="ecs-mine",
                      autoScalingGroupProvider={"autoScalingGroupArn": unprotected})[0] == "ClientException"
    code, message = error_code(ecs.create_capacity_provider, name=f"{cluster}-open", autoScalingGroupProvider={
        "autoScalingGroupArn": unprotected, "managedTerminationProtection": "ENABLED",
        "managedScaling": {"status": "ENABLED"}})
    assert code == "ClientException" and "instance protection from scale in" in message
    assert error_code(ecs.create_capacity_provider, name=f"{cluster}-x", autoScalingGroupProvider={
        "autoScalingGroupArn": arn.replace("-asg", "-missing")})[0] == "ClientException"
    assert error_code(ecs.create_capacity_provider, name=f"{cluster}-y", autoScalingGroupProvider={
        "autoScalingGroupArn": unprotected, "managedScaling": {"targetCapacity": 101}})[0] == "InvalidParameterException"
    described = ecs.describe_capacity_providers(include=["TAGS"])["capacityProviders"]
    assert [p["name"] for p in described] == [f"{cluster}-cp"]
    assert described[0]["tags"] == [{"key": "team", "value": "web"}]
    missing = ecs.describe_capacity_providers(capacityProviders=["nope"])
    assert missing["capacityProviders"] == [] and missing["failures"][0]["reason"] == "MISSING"

    # The cluster's providers and default strategy.
    assert error_code(ecs.put_cluster_capacity_providers, cluster=cluster, capacityProviders=["nope"],
                      defaultCapacityProviderStrategy=[])[0] == "InvalidParameterException"
    updated = ecs.put_cluster_capacity_providers(
        cluster=cluster, capacityProviders=[f"{cluster}-cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": f"{cluster}-cp", "weight": 1}])["cluster"]
    assert updated["capacityProviders"] == [f"{cluster}-cp"]
    assert updated["defaultCapacityProviderStrategy"] == [
        {"capacityProvider": f"{cluster}-cp", "weight": 1, "base": 0}]
    # An Auto Scaling group provider belongs to one cluster: another cannot take it, and a
    # CreateCluster that names it (or a provider that does not exist) creates nothing.
    ecs.create_cluster(clusterName=f"{cluster}-other")
    code, message = error_code(ecs.put_cluster_capacity_providers, cluster=f"{cluster}-other",
                               capacityProviders=[f"{cluster}-cp"], defaultCapacityProviderStrategy=[])
    assert code == "InvalidParameterException" and f"already associated with cluster '{cluster}'" in message
    for providers in ([f"{cluster}-cp"], ["nope"]):
        assert error_code(ecs.create_cluster, clusterName=f"{cluster}-new", capacityProviders=providers)[0] == \
            "InvalidParameterException"
        assert ecs.describe_clusters(clusters=[f"{cluster}-new"])["failures"][0]["reason"] == "MISSING"
    # CreateCluster with a free provider checks its strategy and puts its managed scaling.
    free = ecs.create_capacity_provider(name=f"{cluster}-free", autoScalingGroupProvider={
        "autoScalingGroupArn": unprotected, "managedScaling": {"status": "ENABLED", "targetCapacity": 90},
        "managedTerminationProtection": "DISABLED"})["capacityProvider"]["name"]
    assert error_code(ecs.create_cluster, clusterName=f"{cluster}-new", capacityProviders=[free],
                      defaultCapacityProviderStrategy=[{"capacityProvider": "else", "weight": 1}])[0] == \
        "InvalidParameterException"
    created = ecs.create_cluster(clusterName=f"{cluster}-new", capacityProviders=[free],
                                 defaultCapacityProviderStrategy=[{"capacityProvider": free, "weight": 1}])["cluster"]
    assert created["capacityProviders"] == [free]
    assert [p["PolicyName"] for p in asg.describe_policies(AutoScalingGroupName=f"{cluster}-open")["ScalingPolicies"]] \
        == [f"ECSManagedAutoScalingPolicy-{free}"]
    ecs.put_cluster_capacity_providers(cluster=f"{cluster}-new", capacityProviders=[], defaultCapacityProviderStrategy=[])
    ecs.delete_capacity_provider(capacityProvider=free)

    # The group's instances join as the provider's; an instance outside it does not.
    asg.set_desired_capacity(AutoScalingGroupName=f"{cluster}-asg", DesiredCapacity=2)
    ec2.run_instances(ImageId=image, InstanceType="t3.medium", MinCount=1, MaxCount=1,
                      UserData=USER_DATA.format(cluster=cluster))
    wait_for("three container instances", lambda: len(container_instances(ecs, cluster)) == 3, timeout=60)
    by_provider = {}
    for instance in container_instances(ecs, cluster):
        by_provider.setdefault(instance.get("capacityProviderName"), set()).add(instance["containerInstanceArn"])
    assert len(by_provider[f"{cluster}-cp"]) == 2 and len(by_provider[None]) == 1

    # Tasks follow the default strategy, or the one given; a launch type excludes one.
    ecs.register_task_definition(family="sleeper", containerDefinitions=[{
        "name": "main", "image": "busybox", "memory": 64, "command": ["sleep", "3600"]}])
    tasks = ecs.run_task(cluster=cluster, taskDefinition="sleeper", count=4)["tasks"]
    assert len(tasks) == 4
    assert {t["capacityProviderName"] for t in tasks} == {f"{cluster}-cp"}
    assert {t["containerInstanceArn"] for t in tasks} <= by_provider[f"{cluster}-cp"]
    tasks = ecs.run_task(cluster=cluster, taskDefinition="sleeper", count=2, capacityProviderStrategy=[
        {"capacityProvider": f"{cluster}-cp", "base": 2, "weight": 1}])["tasks"]
    assert {t["containerInstanceArn"] for t in tasks} <= by_provider[f"{cluster}-cp"]
    code, _ = error_code(ecs.run_task, cluster=cluster, taskDefinition="sleeper", launchType="EC2",
                         capacityProviderStrategy=[{"capacityProvider": f"{cluster}-cp", "weight": 1}])
    assert code == "InvalidParameterException"
    code, message = error_code(ecs.run_task, cluster=cluster, taskDefinition="sleeper",
                               capacityProviderStrategy=[{"capacityProvider": "other", "weight": 1}])
    assert code == "InvalidParameterException" and "not associated with the cluster" in message
    tasks = ecs.run_task(cluster=cluster, taskDefinition="sleeper", launchType="EC2", count=1)["tasks"]
    assert "capacityProviderName" not in tasks[0]

    # A service keeps its strategy.
    service = ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="sleeper", desiredCount=2,
                                 capacityProviderStrategy=[{"capacityProvider": f"{cluster}-cp", "weight": 1}])
    assert service["service"]["capacityProviderStrategy"] == [
        {"capacityProvider": f"{cluster}-cp", "weight": 1, "base": 0}]

    def service_tasks():
        arns = ecs.list_tasks(cluster=cluster, serviceName="web")["taskArns"]
        return ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []

    wait_for("the service's two tasks", lambda: len(service_tasks()) == 2, timeout=30)
    assert {t["capacityProviderName"] for t in service_tasks()} == {f"{cluster}-cp"}

    # Deleting a provider a cluster uses is refused; once removed from it, it goes INACTIVE.
    code, message = error_code(ecs.delete_capacity_provider, capacityProvider=f"{cluster}-cp")
    assert code == "ClientException" and cluster in message
    ecs.delete_service(cluster=cluster, service="web", force=True)
    ecs.put_cluster_capacity_providers(cluster=cluster, capacityProviders=[], defaultCapacityProviderStrategy=[])
    deleted = ecs.delete_capacity_provider(capacityProvider=f"{cluster}-cp")["capacityProvider"]
    assert deleted["status"] == "INACTIVE" and deleted["updateStatus"] == "DELETE_COMPLETE"

    # A force delete does not wait on a termination hook that no one completes (a draining
    # hook left behind by a deleted provider).
    asg.put_lifecycle_hook(AutoScalingGroupName=f"{cluster}-asg", LifecycleHookName="drain",
                           LifecycleTransition="autoscaling:EC2_INSTANCE_TERMINATING", HeartbeatTimeout=3600,
                           DefaultResult="CONTINUE")
    asg.delete_auto_scaling_group(AutoScalingGroupName=f"{cluster}-asg", ForceDelete=True)
    wait_for("the force-deleted group gone", lambda: not asg.describe_auto_scaling_groups(
        AutoScalingGroupNames=[f"{cluster}-asg"])["AutoScalingGroups"], timeout=60)


def test_tasks_wait_in_provisioning_until_their_provider_has_room(make_server):
    server = make_server(extra_args=["--instance-provider", "simulated"])
    ecs, ec2, asg = server.boto3(), server.boto3("ec2"), server.boto3("autoscaling")
    cluster = unique("wait")
    ecs.create_cluster(clusterName=cluster)
    arn = group(asg, f"{cluster}-asg", cluster, agent_image(ec2))
    # Managed scaling off: the group grows only when told to, so the waiting is seen.
    ecs.create_capacity_provider(name=f"{cluster}-cp", autoScalingGroupProvider={
        "autoScalingGroupArn": arn, "managedScaling": {"status": "DISABLED"},
        "managedTerminationProtection": "DISABLED"})
    ecs.put_cluster_capacity_providers(
        cluster=cluster, capacityProviders=[f"{cluster}-cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": f"{cluster}-cp", "weight": 1}])
    # t3.medium: 4,096 MiB, so three tasks of 1,300 MiB fill one instance.
    ecs.register_task_definition(family="big", containerDefinitions=[{
        "name": "main", "image": "busybox", "memory": 1300, "command": ["sleep", "3600"]}])

    # No instance at all: RunTask's tasks wait in PROVISIONING instead of failing.
    run = ecs.run_task(cluster=cluster, taskDefinition="big", count=3)
    assert run["failures"] == []
    assert [t["lastStatus"] for t in run["tasks"]] == ["PROVISIONING"] * 3
    assert all("containerInstanceArn" not in t and t["desiredStatus"] == "RUNNING" for t in run["tasks"])
    assert {t["capacityProviderName"] for t in run["tasks"]} == {f"{cluster}-cp"}
    waiting = [t["taskArn"] for t in run["tasks"]]
    assert set(ecs.list_tasks(cluster=cluster)["taskArns"]) == set(waiting)

    # A service's tasks wait too, and count as pending.
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="big", desiredCount=2)

    def service():
        return ecs.describe_services(cluster=cluster, services=["web"])["services"][0]

    wait_for("the service's two tasks waiting", lambda: service()["pendingCount"] == 2, timeout=30)
    service_tasks = ecs.list_tasks(cluster=cluster, serviceName="web")["taskArns"]
    described = ecs.describe_tasks(cluster=cluster, tasks=service_tasks)["tasks"]
    assert [t["lastStatus"] for t in described] == ["PROVISIONING"] * 2
    assert service()["runningCount"] == 0 and service()["deployments"][0]["pendingCount"] == 2
    # The scheduler does not launch more while they wait.
    assert len(ecs.list_tasks(cluster=cluster, serviceName="web")["taskArns"]) == 2

    # Stopping a waiting task ends it at once: there is no agent to wait for.
    stopped = ecs.stop_task(cluster=cluster, task=waiting[0], reason="not needed")["task"]
    assert stopped["lastStatus"] == "STOPPED" and stopped["stoppedReason"] == "not needed"

    # One instance arrives: the oldest waiting tasks that fit are placed on it and run
    # (three of 1,300 MiB in 4,096: the two RunTask tasks left, then one of the service's);
    # the fourth waits for another.
    asg.set_desired_capacity(AutoScalingGroupName=f"{cluster}-asg", DesiredCapacity=1)
    wait_for("one container instance", lambda: len(container_instances(ecs, cluster)) == 1, timeout=60)
    instance = container_instances(ecs, cluster)[0]["containerInstanceArn"]

    def statuses():
        arns = ecs.list_tasks(cluster=cluster)["taskArns"]
        return {t["taskArn"]: t for t in ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]}

    wait_for("three tasks running on the new instance", lambda: sorted(
        t["lastStatus"] for t in statuses().values()) == ["PROVISIONING", "RUNNING", "RUNNING", "RUNNING"],
        timeout=60)
    placed = [t for t in statuses().values() if t["lastStatus"] == "RUNNING"]
    assert {t["containerInstanceArn"] for t in placed} == {instance}
    assert {waiting[1], waiting[2]} <= {t["taskArn"] for t in placed}
    assert all(t.get("availabilityZone") in ("us-east-1a", "us-east-1b") for t in placed)

    # A second instance takes the last one; the service is whole.
    asg.set_desired_capacity(AutoScalingGroupName=f"{cluster}-asg", DesiredCapacity=2)
    wait_for("all four running", lambda: [t["lastStatus"] for t in statuses().values()] == ["RUNNING"] * 4,
             timeout=60)
    wait_for("the service running", lambda: service()["runningCount"] == 2 and service()["pendingCount"] == 0,
             timeout=30)


def test_managed_scaling_grows_the_group_for_a_service_and_shrinks_it_after(make_server):
    server = make_server(extra_args=["--instance-provider", "simulated", "--scaling-period", "1",
                                     "--service-healthy-after", "0"])
    ecs, ec2, asg, cw = server.boto3(), server.boto3("ec2"), server.boto3("autoscaling"), server.boto3("cloudwatch")
    cluster = unique("managed")
    ecs.create_cluster(clusterName=cluster)
    name = f"{cluster}-asg"
    asg.create_launch_configuration(LaunchConfigurationName=name, ImageId=agent_image(ec2), InstanceType="t3.small",
                                    UserData=USER_DATA.format(cluster=cluster))
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchConfigurationName=name, MinSize=0, MaxSize=6,
                                  DesiredCapacity=0, AvailabilityZones=["us-east-1a", "us-east-1b", "us-east-1c"],
                                  NewInstancesProtectedFromScaleIn=True)
    arn = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    ecs.create_capacity_provider(name=f"{cluster}-cp", autoScalingGroupProvider={
        "autoScalingGroupArn": arn, "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
        "managedTerminationProtection": "ENABLED"})
    ecs.put_cluster_capacity_providers(
        cluster=cluster, capacityProviders=[f"{cluster}-cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": f"{cluster}-cp", "weight": 1}])
    policies = asg.describe_policies(AutoScalingGroupName=name)["ScalingPolicies"]
    assert [p["PolicyType"] for p in policies] == ["TargetTrackingScaling"]
    metric = policies[0]["TargetTrackingConfiguration"]["CustomizedMetricSpecification"]
    assert metric["MetricName"] == "CapacityProviderReservation"
    assert metric["Namespace"] == "AWS/ECS/ManagedScaling"

    # Six tasks of 1,000 MiB need three t3.small hosts (2,048 MiB each).
    ecs.register_task_definition(family="wide", containerDefinitions=[{
        "name": "main", "image": "busybox", "memory": 1000, "command": ["sleep", "3600"]}])
    started = datetime.datetime.now(datetime.timezone.utc)
    ecs.create_service(cluster=cluster, serviceName="wide", taskDefinition="wide", desiredCount=6,
                       placementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}])
    # With no host yet, the service's tasks wait in PROVISIONING, on no instance.
    first_seen = {}

    def launched():
        arns = ecs.list_tasks(cluster=cluster, serviceName="wide")["taskArns"]
        if len(arns) == 6 and not first_seen:
            first_seen.update({t["taskArn"]: t for t in ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]})
        return len(arns) == 6

    wait_for("six tasks launched", launched, timeout=30)
    assert any(t["lastStatus"] == "PROVISIONING" and "containerInstanceArn" not in t for t in first_seen.values())

    def running():
        return ecs.describe_services(cluster=cluster, services=["wide"])["services"][0]["runningCount"]

    def desired():
        return asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["DesiredCapacity"]

    wait_for("all six tasks running on new hosts", lambda: running() == 6, timeout=180)
    assert desired() == 3
    hosts = container_instances(ecs, cluster)
    assert len(hosts) == 3
    zones = {next(a["value"] for a in h["attributes"] if a["name"] == "ecs.availability-zone") for h in hosts}
    assert len(zones) == 3
    datapoints = cw.get_metric_statistics(
        Namespace="AWS/ECS/ManagedScaling", MetricName="CapacityProviderReservation",
        Dimensions=[{"Name": "CapacityProviderName", "Value": f"{cluster}-cp"},
                    {"Name": "ClusterName", "Value": cluster}],
        StartTime=started - datetime.timedelta(minutes=5), EndTime=started + datetime.timedelta(hours=1), Period=3600,
        Statistics=["Maximum"])["Datapoints"]
    assert max(d["Maximum"] for d in datapoints) >= 200
    # Managed termination protection: instances that run tasks are protected from scale-in.
    wait_for("busy instances protected", lambda: all(
        i["ProtectedFromScaleIn"] for i in asg.describe_auto_scaling_instances()["AutoScalingInstances"]
        if i["AutoScalingGroupName"] == name), timeout=30)
    hooks = asg.describe_lifecycle_hooks(AutoScalingGroupName=name)["LifecycleHooks"]
    assert [h["LifecycleHookName"] for h in hooks] == ["ecs-managed-draining-termination-hook"]

    # With no tasks, the reservation drops to zero and the group shrinks back; each
    # instance is drained and its container instance deregistered on the way out.
    ecs.update_service(cluster=cluster, service="wide", desiredCount=0)
    wait_for("the group scaled in", lambda: desired() == 0, timeout=240)
    wait_for("every container instance drained and deregistered", lambda: [
        h["status"] for h in ecs.describe_container_instances(
            cluster=cluster, containerInstances=[h["containerInstanceArn"] for h in hosts])["containerInstances"]
    ] == ["INACTIVE"] * 3, timeout=120)
    activities = asg.describe_scaling_activities(AutoScalingGroupName=name)["Activities"]
    assert sum(a["Description"].startswith("Terminating EC2 instance") for a in activities) == 3
