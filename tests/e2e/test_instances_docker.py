"""EC2 instances that are real agent hosts: the guide's last chapter with the process
provider on real Docker. A launch configuration whose user data names the cluster and an
Auto Scaling group over two subnets in two zones give container instances, one per zone,
that are `admiral agent` child processes of the server and run a service's containers;
killing one agent makes the group replace its instance. An instance's credentials make
only the agent's calls. The command provider runs the documented example scripts."""
import json
import os
import signal
import subprocess
import time

import botocore.exceptions
import pytest

from conftest import BINARY, DOCKER_HOST, docker, wait_for
from test_load_balancing import unique

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FAST = ["--service-healthy-after", "1", "--agent-disconnect-after", "4"]
USER_DATA = "#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n"


def agent_children(server):
    """The `admiral agent` processes whose parent is the server (`ps --ppid`)."""
    out = subprocess.run(["ps", "-ww", "--ppid", str(server.process.pid), "-o", "pid=,args="],
                         capture_output=True, text=True).stdout
    return {int(line.split()[0]): line for line in out.splitlines() if " agent " in line}


def agent_image(ec2):
    images = ec2.describe_images(Owners=["amazon"])["Images"]
    return next(image["ImageId"] for image in images if "admiral" in image["Name"])


def container_instances(ecs, cluster):
    arns = ecs.list_container_instances(cluster=cluster, status="ACTIVE")["containerInstanceArns"]
    if not arns:
        return []
    return ecs.describe_container_instances(cluster=cluster, containerInstances=arns)["containerInstances"]


def zone(instance):
    return next(a["value"] for a in instance["attributes"] if a["name"] == "ecs.availability-zone")


def test_an_auto_scaling_group_of_agent_processes_runs_a_service_and_replaces_a_lost_host(make_server):
    server = make_server(extra_args=FAST + ["--instance-provider", "process", "--instance-docker-host", DOCKER_HOST])
    ecs, ec2, asg = server.boto3(), server.boto3("ec2"), server.boto3("autoscaling")
    cluster = unique("fleet")
    ecs.create_cluster(clusterName=cluster)
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    two = sorted(subnets, key=lambda s: s["AvailabilityZone"])[:2]
    asg.create_launch_configuration(
        LaunchConfigurationName=f"{cluster}-lc", ImageId=agent_image(ec2), InstanceType="t3.small",
        UserData=USER_DATA.format(cluster=cluster))
    asg.create_auto_scaling_group(
        AutoScalingGroupName=f"{cluster}-asg", LaunchConfigurationName=f"{cluster}-lc", MinSize=0, MaxSize=4,
        DesiredCapacity=2, HealthCheckGracePeriod=0,
        VPCZoneIdentifier=",".join(s["SubnetId"] for s in two))

    wait_for("two container instances", lambda: len(container_instances(ecs, cluster)) == 2, timeout=90)
    instances = container_instances(ecs, cluster)
    assert sorted(zone(i) for i in instances) == sorted(s["AvailabilityZone"] for s in two)
    group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[f"{cluster}-asg"])["AutoScalingGroups"][0]
    assert {i["InstanceId"] for i in group["Instances"]} == {i["ec2InstanceId"] for i in instances}
    for instance in instances:
        assert instance["registeredResources"][0]["integerValue"] == 2048  # t3.small: 2 vCPUs
        assert next(a["value"] for a in instance["attributes"] if a["name"] == "ecs.instance-type") == "t3.small"
    assert len(agent_children(server)) == 2

    # The instances run a service's containers on the real Docker daemon.
    ecs.register_task_definition(family="sleeper", containerDefinitions=[{
        "name": "main", "image": "admiral-test/busybox:latest", "memory": 32, "stopTimeout": 2,
        "command": ["sleep", "3600"]}])
    ecs.create_service(cluster=cluster, serviceName="sleepers", taskDefinition="sleeper", desiredCount=2,
                       placementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}])

    def running():
        arns = ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING")["taskArns"]
        tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []
        return [t for t in tasks if t["lastStatus"] == "RUNNING"]

    wait_for("two tasks RUNNING", lambda: len(running()) == 2, timeout=120)
    assert len({t["containerInstanceArn"] for t in running()}) == 2
    assert len(docker("ps", "-q", "--filter", f"label=com.amazonaws.ecs.cluster={cluster}").split()) == 2

    # An instance's own credentials make its agent's calls only.
    instance_id = instances[0]["ec2InstanceId"]
    with open(os.path.join(server.data_dir, "instances", instance_id, "instance.json")) as f:
        keys = json.load(f)
    assert keys["ecsConfig"] == {"ECS_CLUSTER": cluster}
    as_instance = server.boto3(access_key=keys["accessKeyId"], secret_key=keys["secretAccessKey"])
    with pytest.raises(botocore.exceptions.ClientError) as denied:
        as_instance.create_cluster(clusterName="stolen")
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "stolen" not in str(ecs.list_clusters())

    # Killing an agent fails the instance's status checks: the group replaces it.
    victim = next(i for i in instances if i["ec2InstanceId"] == instance_id)
    pid = next(p for p, line in agent_children(server).items() if instance_id in line)
    os.kill(pid, signal.SIGKILL)

    def replaced():
        group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[f"{cluster}-asg"])["AutoScalingGroups"][0]
        ids = {i["InstanceId"] for i in group["Instances"] if i["LifecycleState"] == "InService"}
        return len(ids) == 2 and instance_id not in ids

    wait_for("the lost instance replaced", replaced, timeout=120)
    activities = asg.describe_scaling_activities(AutoScalingGroupName=f"{cluster}-asg")["Activities"]
    assert any(a["Description"] == f"Terminating EC2 instance: {instance_id}" for a in activities)
    state = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state in ("shutting-down", "terminated")
    wait_for("the replacement registered and the lost host gone", lambda: (
        len(container_instances(ecs, cluster)) == 2
        and victim["containerInstanceArn"] not in {i["containerInstanceArn"] for i in container_instances(ecs, cluster)}),
        timeout=120)
    wait_for("the service back at two tasks", lambda: len(running()) == 2, timeout=120)
    assert len(agent_children(server)) == 2

    # Scaled to zero: every agent process and container ends.
    asg.update_auto_scaling_group(AutoScalingGroupName=f"{cluster}-asg", MinSize=0, DesiredCapacity=0)
    ecs.update_service(cluster=cluster, service="sleepers", desiredCount=0)
    wait_for("no agent processes", lambda: not agent_children(server), timeout=120)
    wait_for("no containers", lambda: not docker(
        "ps", "-aq", "--filter", f"label=com.amazonaws.ecs.cluster={cluster}").split(), timeout=60)


def test_the_command_provider_runs_the_documented_example(make_server, tmp_path):
    state = tmp_path / "instances"
    env_before = dict(os.environ)
    os.environ.update(ADMIRAL_EXAMPLE_STATE=str(state), ADMIRAL_AGENT=BINARY, DOCKER_HOST=DOCKER_HOST)
    try:
        server = make_server(extra_args=[
            "--instance-provider", "command",
            "--launch-command", os.path.join(ROOT, "examples/instance-commands/launch"),
            "--terminate-command", os.path.join(ROOT, "examples/instance-commands/terminate")])
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    try:
        run_an_instance_with_the_example(server, state)
    finally:
        # The example's agents run detached from the server: end any a failure left behind.
        subprocess.run(["pkill", "-f", str(state)], check=False)


def run_an_instance_with_the_example(server, state):
    ecs, ec2 = server.boto3(), server.boto3("ec2")
    cluster = unique("cmd")
    ecs.create_cluster(clusterName=cluster)
    reservation = ec2.run_instances(ImageId=agent_image(ec2), InstanceType="m5.large", MinCount=1, MaxCount=1,
                                    UserData=USER_DATA.format(cluster=cluster))
    instance_id = reservation["Instances"][0]["InstanceId"]
    wait_for("the instance registered", lambda: len(container_instances(ecs, cluster)) == 1, timeout=90)
    registered = container_instances(ecs, cluster)[0]
    assert registered["ec2InstanceId"] == instance_id
    assert registered["registeredResources"][0]["integerValue"] == 2048  # m5.large: 2 vCPUs
    assert (state / instance_id / "agent.pid").exists()
    wait_for("running", lambda: ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
             ["State"]["Name"] == "running", timeout=30)
    ec2.terminate_instances(InstanceIds=[instance_id])
    wait_for("the terminate command ran", lambda: not (state / instance_id).exists(), timeout=60)
    wait_for("terminated", lambda: ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
             ["State"]["Name"] == "terminated", timeout=60)


def test_a_failing_launch_command_terminates_the_instance_with_its_words(make_server, tmp_path):
    launch = tmp_path / "launch"
    launch.write_text("#!/bin/sh\ncat >/dev/null\necho 'no host left in the pool' >&2\nexit 2\n")
    terminate = tmp_path / "terminate"
    terminate.write_text("#!/bin/sh\ncat >/dev/null\n")
    for script in (launch, terminate):
        script.chmod(0o755)
    server = make_server(extra_args=["--instance-provider", "command", "--launch-command", str(launch),
                                     "--terminate-command", str(terminate)])
    ec2 = server.boto3("ec2")
    instance_id = ec2.run_instances(ImageId=agent_image(ec2), InstanceType="t3.micro", MinCount=1,
                                    MaxCount=1)["Instances"][0]["InstanceId"]

    def described():
        return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]

    wait_for("terminated", lambda: described()["State"]["Name"] == "terminated", timeout=60)
    assert "no host left in the pool" in described()["StateReason"]["Message"]


def test_a_capacity_provider_scales_in_after_draining_without_failing_a_request(make_server):
    """Managed scaling and termination protection on real agent processes behind a load
    balancer: a service of two tasks that each need a host grows its group to two; scaled
    to one task, the idle host loses its protection, the group scales in, and requests
    keep being answered throughout."""
    import threading
    import urllib.error
    import urllib.request

    from test_load_balancing import WEB, free_port, target_group

    server = make_server(extra_args=FAST + [
        "--instance-provider", "process", "--instance-docker-host", DOCKER_HOST, "--scaling-period", "1"])
    ecs, ec2, asg, elb = server.boto3(), server.boto3("ec2"), server.boto3("autoscaling"), server.boto3("elbv2")
    cluster = unique("drain")
    ecs.create_cluster(clusterName=cluster)
    name = f"{cluster}-asg"
    asg.create_launch_configuration(LaunchConfigurationName=name, ImageId=agent_image(ec2), InstanceType="t3.small",
                                    UserData=USER_DATA.format(cluster=cluster))
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchConfigurationName=name, MinSize=0, MaxSize=3,
                                  DesiredCapacity=0, AvailabilityZones=["us-east-1a", "us-east-1b"],
                                  NewInstancesProtectedFromScaleIn=True)
    arn = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    ecs.create_capacity_provider(name=f"{cluster}-cp", autoScalingGroupProvider={
        "autoScalingGroupArn": arn, "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
        "managedTerminationProtection": "ENABLED"})
    ecs.put_cluster_capacity_providers(
        cluster=cluster, capacityProviders=[f"{cluster}-cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": f"{cluster}-cp", "weight": 1}])
    # Each task reserves more than half a t3.small (2,048 MiB): one host each.
    ecs.register_task_definition(family="site", containerDefinitions=[{
        "name": "web", "image": "admiral-test/busybox:latest", "memory": 1200, "stopTimeout": 2,
        "command": ["sh", "-c", WEB.format(path="", text="up")],
        "portMappings": [{"containerPort": 80, "hostPort": 0}]}])
    group = target_group(elb, unique("site"), target_type="instance", HealthCheckIntervalSeconds=5)
    elb.modify_target_group_attributes(TargetGroupArn=group, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "3"}])
    port = free_port()
    lb = elb.create_load_balancer(Name=unique("site"), Subnets=["subnet-us-east-1a", "subnet-us-east-1b"])
    lb = lb["LoadBalancers"][0]
    elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=port,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    ecs.create_service(cluster=cluster, serviceName="site", taskDefinition="site", desiredCount=2,
                       loadBalancers=[{"targetGroupArn": group, "containerName": "web", "containerPort": 80}])

    def desired():
        return asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["DesiredCapacity"]

    def healthy():
        return sum(h["TargetHealth"]["State"] == "healthy"
                   for h in elb.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"])

    # With no host yet, the tasks wait in PROVISIONING, on no instance.
    waiting = wait_for("the service's two tasks", lambda: len(
        ecs.list_tasks(cluster=cluster, serviceName="site")["taskArns"]) == 2 and ecs.describe_tasks(
        cluster=cluster, tasks=ecs.list_tasks(cluster=cluster, serviceName="site")["taskArns"])["tasks"], timeout=30)
    assert any(t["lastStatus"] == "PROVISIONING" and "containerInstanceArn" not in t for t in waiting), waiting
    wait_for("two hosts and two healthy targets", lambda: desired() == 2 and healthy() == 2, timeout=180)
    # The same two tasks run, one host each, one per zone.
    running = ecs.describe_tasks(cluster=cluster, tasks=[t["taskArn"] for t in waiting])["tasks"]
    assert [t["lastStatus"] for t in running] == ["RUNNING"] * 2
    assert len({t["containerInstanceArn"] for t in running}) == 2
    assert {t["availabilityZone"] for t in running} == {"us-east-1a", "us-east-1b"}

    url = f"http://{lb['DNSName']}:{port}/"
    answers, stop = [], threading.Event()

    def poll():
        while not stop.is_set():
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    answers.append(response.status)
            except urllib.error.HTTPError as error:
                answers.append(error.code)
            except OSError as error:
                answers.append(str(error))
            time.sleep(0.02)

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        ecs.update_service(cluster=cluster, service="site", desiredCount=1)
        wait_for("the group scaled in to one host", lambda: desired() == 1 and len(container_instances(ecs, cluster)) == 1
                 and len(agent_children(server)) == 1, timeout=240)
    finally:
        stop.set()
        poller.join()
    failed = [a for a in answers if a != 200]
    assert len(answers) > 100 and not failed, f"{len(failed)} of {len(answers)} requests failed: {failed[:5]}"
