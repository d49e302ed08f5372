"""Service auto scaling on real containers, with short periods: a service behind a load
balancer scaled by ALBRequestCountPerTarget while wrk sends it requests (it scales out
under the load and back in after it, and no request fails on the way: new targets join
healthy, removed ones drain first), and CPU-burning tasks scaled by their CPU."""
import signal
import subprocess

from conftest import wait_for
from test_load_balancing import WRK_SCRIPT, balancer, free_port, get, target_group, unique, web_task

FAST = ["--metrics-interval", "1", "--scaling-period", "2", "--service-healthy-after", "1"]


def test_request_count_per_target_scales_a_service_without_losing_requests(make_server, make_agent, tmp_path):
    server = make_server(extra_args=FAST)
    ecs, elb, aas = server.boto3(), server.boto3("elbv2"), server.boto3("application-autoscaling")
    cluster = unique("alb")
    ecs.create_cluster(clusterName=cluster)
    make_agent(server, cluster, ["--memory", "1024", "--metrics-interval", "1"]).arn()
    web_task(ecs, "site", "v1")
    group = target_group(elb, unique("site"), target_type="instance", HealthCheckIntervalSeconds=5)
    elb.modify_target_group_attributes(TargetGroupArn=group, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "3"}])
    port = free_port()
    lb, _ = balancer(elb, unique("site"), port, group)
    ecs.create_service(cluster=cluster, serviceName="site", taskDefinition="site", desiredCount=1,
                       loadBalancers=[{"targetGroupArn": group, "containerName": "web", "containerPort": 80}])
    wait_for("the first task serving", lambda: get(f"http://{lb['DNSName']}:{port}/") == (200, "v1\n"),
             timeout=120, interval=0.5)
    resource = f"service/{cluster}/site"
    label = lb["LoadBalancerArn"].split(":loadbalancer/")[1] + "/" + group.split(":")[-1]
    aas.register_scalable_target(ServiceNamespace="ecs", ResourceId=resource,
                                 ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=3)
    aas.put_scaling_policy(
        PolicyName="requests", ServiceNamespace="ecs", ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 100.0, "ScaleOutCooldown": 0, "ScaleInCooldown": 0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget",
                                              "ResourceLabel": label}})

    def desired():
        return ecs.describe_services(cluster=cluster, services=["site"])["services"][0]["desiredCount"]

    def healthy():
        return sum(h["TargetHealth"]["State"] == "healthy"
                   for h in elb.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"])

    url = f"http://{lb['DNSName']}:{port}/"

    def run_load(name, connections, delay_ms, until):
        """wrk at `connections` × 1000/`delay_ms` requests a second until `until()` holds;
        returns its counts after checking that no request failed."""
        marker = tmp_path / f"{name}-answered"
        script = tmp_path / f"{name}.lua"
        script.write_text((WRK_SCRIPT % {"marker": marker}).replace("return 5", f"return {delay_ms}"))
        load = subprocess.Popen(["wrk", "-t1", f"-c{connections}", "-d3600s", "--timeout", "30s", "-s", str(script),
                                 url], stdout=subprocess.PIPE, text=True)
        try:
            wait_for(f"the {name} load answered", marker.exists)
            until()
        finally:
            load.send_signal(signal.SIGINT)
            output, _ = load.communicate(timeout=60)
        result = [line for line in output.splitlines() if line.startswith("RESULT")][0].split()[1:]
        requests, status_errors, connect, read, write, timeouts, v1, v2, other = map(int, result)
        assert requests > 0 and (status_errors, connect, read, write, timeouts) == (0, 0, 0, 0, 0), output
        assert v1 == requests, output
        return requests

    # About 800 requests a second: 1,600 per 2-second period, far above 100 per target.
    def scaled_out():
        wait_for("scale-out to the maximum", lambda: desired() == 3, timeout=120, interval=0.5)
        wait_for("three healthy targets", lambda: healthy() == 3, timeout=120, interval=0.5)

    run_load("heavy", 4, 5, scaled_out)

    # A light load (10 requests a second, 20 per period, under 90 % of the target per
    # target) goes on while the service scales back in: the removed targets drain first,
    # so no request fails.
    def scaled_in():
        service = lambda: ecs.describe_services(cluster=cluster, services=["site"])["services"][0]  # noqa: E731
        wait_for("scale-in to the minimum, the removed tasks stopped",
                 lambda: (lambda s: s["desiredCount"] == 1 and s["runningCount"] == 1)(service()),
                 timeout=180, interval=0.5)

    run_load("light", 1, 100, scaled_in)
    activities = aas.describe_scaling_activities(ServiceNamespace="ecs", ResourceId=resource)["ScalingActivities"]
    assert any("AlarmHigh" in a["Cause"] for a in activities) and any("AlarmLow" in a["Cause"] for a in activities)
    assert get(url) == (200, "v1\n")


BURN = ["sh", "-c", 'trap "exit 0" TERM; while :; do :; done & wait']
IDLE = ["sh", "-c", 'trap "exit 0" TERM; sleep 3600 & wait']


def test_cpu_target_tracking_on_real_containers(make_server, make_agent):
    """CPU-burning tasks (each would use a whole core: 400 % of the 256 units it reserves)
    scale the service out to its maximum; an idle revision brings it back to the minimum."""
    server = make_server(extra_args=FAST)
    ecs, aas = server.boto3(), server.boto3("application-autoscaling")
    cluster = unique("cpu")
    ecs.create_cluster(clusterName=cluster)
    make_agent(server, cluster, ["--memory", "1024", "--metrics-interval", "1"]).arn()
    for family, command in (("burn", BURN), ("idle", IDLE)):
        ecs.register_task_definition(family=family, containerDefinitions=[
            {"name": "app", "image": "admiral-test/busybox", "cpu": 256, "memory": 32, "command": command}])
    ecs.create_service(cluster=cluster, serviceName="cpu", taskDefinition="burn", desiredCount=1)
    resource = f"service/{cluster}/cpu"
    aas.register_scalable_target(ServiceNamespace="ecs", ResourceId=resource,
                                 ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=3)
    aas.put_scaling_policy(
        PolicyName="cpu50", ServiceNamespace="ecs", ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 50.0, "ScaleOutCooldown": 0, "ScaleInCooldown": 0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})

    def service():
        return ecs.describe_services(cluster=cluster, services=["cpu"])["services"][0]

    wait_for("scale-out to the maximum, three tasks running",
             lambda: (lambda s: s["desiredCount"] == 3 and s["runningCount"] == 3)(service()), timeout=180,
             interval=0.5)
    ecs.update_service(cluster=cluster, service="cpu", taskDefinition="idle")
    wait_for("scale-in to the minimum", lambda: (lambda s: s["desiredCount"] == 1 and s["runningCount"] == 1)(
        service()), timeout=240, interval=0.5)
    events = [event["message"] for event in service()["events"]]
    assert any("has stopped" in message for message in events), events
