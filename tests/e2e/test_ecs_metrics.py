"""AWS/ECS and Container Insights metrics from real containers: the agent reads Docker's
statistics and the server publishes a service's CPUUtilization as ECS defines it (CPU
units used × 100 / units reserved), which must agree with what `docker stats` shows."""
import datetime
import statistics
import time

from conftest import docker, wait_for

UTC = datetime.timezone.utc
BURN = ["sh", "-c", 'trap "exit 0" TERM; while :; do :; done & wait']


def latest(cw, name, dimensions, namespace="AWS/ECS", seconds=60, statistic="Average"):
    now = datetime.datetime.now(UTC)
    points = cw.get_metric_statistics(
        Namespace=namespace, MetricName=name, Dimensions=[{"Name": k, "Value": v} for k, v in dimensions],
        StartTime=now - datetime.timedelta(seconds=seconds), EndTime=now + datetime.timedelta(seconds=5),
        Period=1, Statistics=[statistic])["Datapoints"]
    return [point[statistic] for point in sorted(points, key=lambda point: point["Timestamp"])]


def docker_cpu_percent(container):
    text = docker("stats", "--no-stream", "--format", "{{.CPUPerc}}", container, timeout=60).strip()
    return float(text.rstrip("%"))


def test_service_cpu_utilization_agrees_with_docker_stats(make_server, make_agent):
    server = make_server(extra_args=["--metrics-interval", "2", "--service-healthy-after", "1"])
    ecs, cw = server.boto3(), server.boto3("cloudwatch")
    ecs.create_cluster(clusterName="measured")
    make_agent(server, "measured", args=["--metrics-interval", "2"]).arn()
    ecs.register_task_definition(family="burner", containerDefinitions=[
        {"name": "burn", "image": "admiral-test/busybox", "cpu": 256, "memory": 64, "command": BURN}])
    ecs.create_service(cluster="measured", serviceName="burner", taskDefinition="burner", desiredCount=1)
    wait_for("the task to run", lambda: ecs.describe_services(cluster="measured", services=["burner"])[
        "services"][0]["runningCount"] == 1)
    container = wait_for("its container", lambda: docker(
        "ps", "-q", "--filter", "label=com.amazonaws.ecs.cluster=measured").split())[0]
    service = [("ClusterName", "measured"), ("ServiceName", "burner")]
    wait_for("three CPUUtilization datapoints", lambda: len(latest(cw, "CPUUtilization", service)) >= 3, timeout=60)

    # Both sides sampled over the same ten seconds.
    docker_samples = []
    started = time.time()
    while time.time() - started < 10:
        docker_samples.append(docker_cpu_percent(container))
    ours = latest(cw, "CPUUtilization", service, seconds=12)
    assert ours, "no CPUUtilization datapoint in the sampling window"
    # ECS: units used × 100 / 256 reserved; docker stats: percent of one core (1,024 units).
    as_docker_percent = statistics.mean(ours) * 256 / 1024
    reference = statistics.mean(docker_samples)
    assert reference > 20, f"the burner got too little CPU to compare ({reference}%)"
    assert abs(as_docker_percent - reference) <= 0.10 * reference, (ours, docker_samples)

    memory = latest(cw, "MemoryUtilization", service)
    assert memory and 0 < memory[-1] < 100
    reservation = latest(cw, "CPUReservation", [("ClusterName", "measured")])
    assert reservation and reservation[-1] > 0
    running = latest(cw, "RunningTaskCount", service, namespace="ECS/ContainerInsights")
    assert running and running[-1] == 1

    # The host's CPUUtilization in AWS/EC2, by its instance id: the units its tasks use
    # over what it registered, the same figure as the cluster's with one instance.
    instance = ecs.describe_container_instances(
        cluster="measured", containerInstances=ecs.list_container_instances(cluster="measured")[
            "containerInstanceArns"])["containerInstances"][0]
    host = latest(cw, "CPUUtilization", [("InstanceId", instance["ec2InstanceId"])], namespace="AWS/EC2")
    cluster = latest(cw, "CPUUtilization", [("ClusterName", "measured")])
    assert host and host[-1] > 0
    assert abs(statistics.mean(host[-3:]) - statistics.mean(cluster[-3:])) <= 0.01 * statistics.mean(cluster[-3:]) + 0.01
