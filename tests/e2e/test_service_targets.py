"""A service's tasks as load balancer targets, end to end with real containers: the
events ECS writes as targets are registered, drained and deregistered, and a task whose
container comes back on another host port is moved in its target group at once."""
import time

from conftest import docker, wait_for
from test_load_balancing import FAST, balancer, free_port, get, target_group, unique, web_task


def service(ecs, cluster, name="site"):
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]


def messages(ecs, cluster, name="site"):
    """The service's events, oldest first."""
    return [e["message"] for e in reversed(service(ecs, cluster, name)["events"])]


def target_states(elb, group):
    return {h["Target"]["Port"]: h["TargetHealth"]["State"]
            for h in elb.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]}


def host_ports(ecs, cluster, name="site"):
    arns = ecs.list_tasks(cluster=cluster, serviceName=name)["taskArns"]
    if not arns:
        return {}
    return {t["taskArn"]: t["containers"][0].get("networkBindings", [{}])[0].get("hostPort")
            for t in ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]}


def start_site(server, make_agent, delay):
    ecs, elb = server.boto3(), server.boto3("elbv2")
    cluster = unique("targets")
    ecs.create_cluster(clusterName=cluster)
    agent = make_agent(server, cluster, ["--memory", "512"])
    agent.arn()
    web_task(ecs, "site", "v1")
    group = target_group(elb, unique("site"), target_type="instance")
    elb.modify_target_group_attributes(TargetGroupArn=group, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": str(delay)}])
    port = free_port()
    lb, _ = balancer(elb, unique("site"), port, group)
    ecs.create_service(cluster=cluster, serviceName="site", taskDefinition="site", desiredCount=1,
                       loadBalancers=[{"targetGroupArn": group, "containerName": "web", "containerPort": 80}])
    wait_for("the service steady", lambda: (lambda s: s["runningCount"] == 1 and s["deployments"][0]["rolloutState"]
                                            == "COMPLETED")(service(ecs, cluster)), timeout=120, interval=0.5)
    return ecs, elb, cluster, agent, group, f"http://{lb['DNSName']}:{port}/"


def test_draining_is_reported_when_it_begins_and_the_stop_when_it_ends(make_server, make_agent):
    server = make_server(extra_args=FAST)
    ecs, elb, cluster, _, group, url = start_site(server, make_agent, delay=8)
    registered = f"(service site) registered 1 targets in (target-group {group})"
    assert registered in messages(ecs, cluster)
    old_task = ecs.list_tasks(cluster=cluster, serviceName="site")["taskArns"][0]
    old_id = old_task.rsplit("/", 1)[1]

    web_task(ecs, "site", "v2")
    ecs.update_service(cluster=cluster, service="site", taskDefinition="site:2")
    draining = "(service site) has begun draining connections on 1 tasks."
    deregistered = f"(service site) deregistered 1 targets in (target-group {group})"
    stopped = f"(service site) has stopped 1 running tasks: (task {old_id})."
    wait_for("draining begins", lambda: deregistered in messages(ecs, cluster), timeout=120, interval=0.5)
    events = messages(ecs, cluster)
    assert draining in events
    old = ecs.describe_tasks(cluster=cluster, tasks=[old_task])["tasks"][0]
    # The old task stays until its target has drained, and says so.
    if old["lastStatus"] == "DEACTIVATING":
        assert stopped not in events, events
    assert old["desiredStatus"] == "STOPPED" and "stoppingAt" in old
    wait_for("the old task stopped", lambda: ecs.describe_tasks(cluster=cluster, tasks=[old_task])["tasks"][0][
        "lastStatus"] == "STOPPED", timeout=120, interval=0.5)
    events = messages(ecs, cluster)
    # ECS's order: the new target, the old one draining and out, and only then stopped.
    assert events.count(registered) == 2, events
    assert events.index(draining) < events.index(stopped), events
    assert events.index(deregistered) < events.index(stopped), events
    assert events.index(registered, events.index(registered) + 1) < events.index(deregistered), events
    assert get(url) == (200, "v2\n")


def test_a_task_back_on_another_host_port_moves_in_its_target_group(make_server, make_agent):
    server = make_server(extra_args=FAST)
    ecs, elb, cluster, agent, group, url = start_site(server, make_agent, delay=300)
    (task, old_port), = host_ports(ecs, cluster).items()
    wait_for("the target healthy", lambda: target_states(elb, group) == {old_port: "healthy"}, timeout=120)

    # The host loses its containers while the agent is away (Docker's data gone).
    agent.kill()
    ids = docker("ps", "-aq", "--filter", f"label=com.amazonaws.ecs.cluster={cluster}").split()
    assert ids
    docker("rm", "-f", "-v", *ids)
    agent.start()
    agent.arn()

    def moved():
        ports = host_ports(ecs, cluster)
        port = ports.get(task)
        return port if port and port != old_port else None
    new_port = wait_for("the task back on a new host port", moved, timeout=120, interval=0.5)
    # The old target leaves at once (draining, as a deregistered target does) and the
    # new one is registered: the old one never takes a request again.
    wait_for("the targets moved", lambda: (lambda s: s.get(old_port) in (None, "draining")
                                           and s.get(new_port) in ("initial", "healthy"))(target_states(elb, group)),
             timeout=60, interval=0.5)
    wait_for("the new target healthy", lambda: target_states(elb, group).get(new_port) == "healthy", timeout=120)
    assert target_states(elb, group).get(old_port) in (None, "draining")
    failures = 0
    for _ in range(20):
        status, body = get(url)
        failures += status != 200
        time.sleep(0.05)
    assert failures == 0
    events = messages(ecs, cluster)
    assert f"(service site) deregistered 1 targets in (target-group {group})" in events, events
    assert events.count(f"(service site) registered 1 targets in (target-group {group})") == 2, events
