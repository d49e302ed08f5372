"""ECS services end to end: the API, the service scheduler keeping tasks running, rolling
deployments within ECS's bounds, the circuit breaker, draining, DAEMON services, and a
server killed mid-deployment. Real containers where it matters (Docker), simulated
agents for fleets."""
import collections
import json
import os
import re
import sqlite3
import threading
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import TEST_IMAGE, docker, wait_for

FAST = ["--service-healthy-after", "1", "--agent-disconnect-after", "2", "--instance-lost-after", "4"]


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def fast_server(make_server):
    return make_server(extra_args=FAST)


def sleeper(ecs, family, memory=32, image=TEST_IMAGE):
    ecs.register_task_definition(family=family, containerDefinitions=[
        {"name": "app", "image": image, "memory": memory, "stopTimeout": 2,
         "command": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]}])
    return family


def service(ecs, cluster, name):
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]


def steady(ecs, cluster, name, count, timeout=120):
    def check():
        s = service(ecs, cluster, name)
        primary = [d for d in s["deployments"] if d["status"] == "PRIMARY"]
        done = (s["runningCount"] == count and s["pendingCount"] == 0 and len(s["deployments"]) == 1
                and primary and primary[0]["rolloutState"] == "COMPLETED")
        return s if done else None
    return wait_for(f"service {name} steady at {count}", check, timeout=timeout, interval=0.2)


def service_tasks(ecs, cluster, name, status="RUNNING"):
    arns = ecs.list_tasks(cluster=cluster, serviceName=name, desiredStatus=status)["taskArns"]
    return ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []


def simulated_fleet(server, make_agent, cluster, zones=("us-east-1a", "us-east-1b", "us-east-1c"), count=3,
                    memory=4096):
    args = ["--runtime", "simulated", "--count", str(count), "--cpu", "4096", "--memory", str(memory)]
    for zone in zones:
        args += ["--availability-zone", zone]
    return make_agent(server, cluster, args)


def wait_instances(ecs, cluster, count):
    return wait_for(f"{count} instances", lambda: (lambda a: a if len(a) == count else None)(
        ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]))


def test_service_api_shapes_and_errors(server):
    ecs = server.boto3()
    cluster = unique("api")
    ecs.create_cluster(clusterName=cluster)
    sleeper(ecs, "api-app")
    created = server.aws("ecs", "create-service", "--cluster", cluster, "--service-name", "web",
                         "--task-definition", "api-app", "--desired-count", "0", "--client-token", "tok-1",
                         "--tags", "key=team,value=core", "--propagate-tags", "SERVICE",
                         "--deployment-configuration",
                         "minimumHealthyPercent=50,maximumPercent=150,"
                         "deploymentCircuitBreaker={enable=true,rollback=true}")["service"]
    assert created["serviceArn"] == f"arn:aws:ecs:us-east-1:000000000000:service/{cluster}/web"
    assert created["status"] == "ACTIVE" and created["launchType"] == "EC2"
    assert created["schedulingStrategy"] == "REPLICA"
    assert created["deploymentController"] == {"type": "ECS"}
    assert created["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert created["deploymentConfiguration"]["minimumHealthyPercent"] == 50
    [deployment] = created["deployments"]
    assert deployment["status"] == "PRIMARY" and deployment["rolloutState"] == "IN_PROGRESS"
    assert deployment["id"].startswith("ecs-svc/") and len(deployment["id"]) == len("ecs-svc/") + 19
    assert created["tags"] == [{"key": "team", "value": "core"}]
    # The same clientToken is an idempotent retry; another request of that name is not.
    again = ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="api-app", desiredCount=0,
                               clientToken="tok-1")["service"]
    assert again["deployments"][0]["id"] == deployment["id"]
    with pytest.raises(ClientError) as raised:
        ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="api-app", desiredCount=3)
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "not idempotent" in raised.value.response["Error"]["Message"]

    for kwargs, code in [
        (dict(serviceName="bad name", taskDefinition="api-app", desiredCount=1), "InvalidParameterException"),
        (dict(serviceName="nocount", taskDefinition="api-app"), "InvalidParameterException"),
        (dict(serviceName="d1", taskDefinition="api-app", schedulingStrategy="DAEMON", desiredCount=1),
         "InvalidParameterException"),
        (dict(serviceName="d2", taskDefinition="api-app", schedulingStrategy="DAEMON",
              deploymentConfiguration={"maximumPercent": 200}), "InvalidParameterException"),
        (dict(serviceName="d3", taskDefinition="api-app", schedulingStrategy="DAEMON",
              placementStrategy=[{"type": "binpack", "field": "memory"}]), "InvalidParameterException"),
        (dict(serviceName="m", taskDefinition="api-app", desiredCount=1,
              deploymentConfiguration={"minimumHealthyPercent": 120}), "InvalidParameterException"),
        (dict(serviceName="lb", taskDefinition="api-app", desiredCount=1, loadBalancers=[
            {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/x/0123456789abcdef",
             "containerName": "nope", "containerPort": 80}]), "InvalidParameterException"),
        (dict(serviceName="cq", taskDefinition="api-app", desiredCount=1,
              placementConstraints=[{"type": "memberOf", "expression": "attribute:x =="}]),
         "InvalidParameterException"),
        (dict(serviceName="fg", taskDefinition="api-app", desiredCount=1, launchType="FARGATE"),
         "InvalidParameterException"),
        (dict(serviceName="td", taskDefinition="missing-family", desiredCount=1), "ClientException"),
        (dict(serviceName="huge", taskDefinition="api-app", desiredCount=5001), "InvalidParameterException"),
    ]:
        with pytest.raises(ClientError) as raised:
            ecs.create_service(cluster=cluster, **kwargs)
        assert raised.value.response["Error"]["Code"] == code, kwargs
    with pytest.raises(ClientError) as raised:
        ecs.create_service(cluster="no-such-cluster", serviceName="x", taskDefinition="api-app", desiredCount=1)
    assert raised.value.response["Error"]["Code"] == "ClusterNotFoundException"
    assert ecs.list_services(cluster=cluster)["serviceArns"] == [created["serviceArn"]]

    ecs.create_service(cluster=cluster, serviceName="agent", taskDefinition="api-app", schedulingStrategy="DAEMON")
    assert len(ecs.list_services(cluster=cluster, schedulingStrategy="DAEMON")["serviceArns"]) == 1
    assert ecs.list_services(cluster=cluster, launchType="FARGATE")["serviceArns"] == []
    pages = ecs.list_services(cluster=cluster, maxResults=1)
    assert len(pages["serviceArns"]) == 1 and pages["nextToken"]
    described = ecs.describe_services(cluster=cluster, services=["web", "nope"], include=["TAGS"])
    assert described["services"][0]["tags"] == [{"key": "team", "value": "core"}]
    assert described["failures"] == [
        {"arn": f"arn:aws:ecs:us-east-1:000000000000:service/{cluster}/nope", "reason": "MISSING"}]
    assert server.aws("ecs", "describe-clusters", "--clusters", cluster)["clusters"][0]["activeServicesCount"] == 2

    with pytest.raises(ClientError) as raised:
        ecs.update_service(cluster=cluster, service="nope", desiredCount=1)
    assert raised.value.response["Error"]["Code"] == "ServiceNotFoundException"
    with pytest.raises(ClientError) as raised:
        ecs.update_service(cluster=cluster, service="agent", desiredCount=2)
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
    # ECS's quota of tasks per service: a larger count is refused and changes nothing.
    with pytest.raises(ClientError) as raised:
        ecs.update_service(cluster=cluster, service="web", desiredCount=2147483647)
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "at most 5000" in raised.value.response["Error"]["Message"]
    assert service(ecs, cluster, "web")["desiredCount"] == 0
    ecs.update_service(cluster=cluster, service="web", desiredCount=2)
    with pytest.raises(ClientError) as raised:
        ecs.delete_service(cluster=cluster, service="web")
    assert raised.value.response["Error"]["Message"] == "The service cannot be stopped while it is scaled above 0."
    with pytest.raises(ClientError) as raised:
        ecs.delete_cluster(cluster=cluster)
    assert raised.value.response["Error"]["Code"] == "ClusterContainsServicesException"
    deleted = ecs.delete_service(cluster=cluster, service="web", force=True)["service"]
    assert deleted["status"] == "DRAINING" and deleted["desiredCount"] == 0
    wait_for("INACTIVE", lambda: service(ecs, cluster, "web")["status"] == "INACTIVE")
    assert created["serviceArn"] not in ecs.list_services(cluster=cluster)["serviceArns"]
    with pytest.raises(ClientError) as raised:
        ecs.update_service(cluster=cluster, service="web", desiredCount=1)
    assert raised.value.response["Error"]["Code"] == "ServiceNotActiveException"
    # The name is free again once INACTIVE.
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="api-app", desiredCount=0)


def test_a_service_spreads_over_zones_and_replaces_a_killed_container(fast_server, make_agent):
    server = fast_server
    ecs = server.boto3()
    cluster = unique("spread")
    ecs.create_cluster(clusterName=cluster)
    for zone in ("us-east-1a", "us-east-1a", "us-east-1b"):
        make_agent(server, cluster, ["--availability-zone", zone, "--memory", "512"]).arn()
    sleeper(ecs, "svc-app")
    server.aws("ecs", "create-service", "--cluster", cluster, "--service-name", "web", "--task-definition",
               "svc-app", "--desired-count", "4")
    state = steady(ecs, cluster, "web", 4)
    deployment_id = state["deployments"][0]["id"]
    tasks = service_tasks(ecs, cluster, "web")
    assert len(tasks) == 4
    assert {t["group"] for t in tasks} == {"service:web"} and {t["startedBy"] for t in tasks} == {deployment_id}
    zones = collections.Counter(t["availabilityZone"] for t in tasks)
    assert zones == {"us-east-1a": 2, "us-east-1b": 2}
    messages = [e["message"] for e in state["events"]]
    assert messages[0] == "(service web) has reached a steady state."
    started = [m for m in messages if m.startswith("(service web) has started 4 tasks: (task ")]
    assert started and all(t["taskArn"].split("/")[-1] in started[0] for t in tasks)
    assert f"(service web) (deployment {deployment_id}) deployment completed." in messages

    victim = tasks[0]
    docker("kill", victim["containers"][0]["runtimeId"])
    wait_for("the killed task STOPPED and replaced", lambda: (
        victim["taskArn"] not in [t["taskArn"] for t in service_tasks(ecs, cluster, "web")]
        and service(ecs, cluster, "web")["runningCount"] == 4))
    events = [e["message"] for e in service(ecs, cluster, "web")["events"]]
    assert any(m.startswith("(service web) has started 1 tasks: (task ") for m in events)
    assert len(docker("ps", "-q", "--filter", f"label=com.amazonaws.ecs.cluster={cluster}").split()) == 4


def sample_bounds(ecs, cluster, name, stop, samples):
    while not stop.is_set():
        s = service(ecs, cluster, name)
        containers = docker("ps", "-q", "--filter", f"label=com.amazonaws.ecs.cluster={cluster}").split()
        samples.append((s["runningCount"], s["pendingCount"], len(containers)))
        time.sleep(0.1)


@pytest.mark.parametrize("minimum,maximum,peak_total,lowest_running", [(50, 200, 8, 4), (50, 100, 4, 2)])
def test_rolling_deployments_stay_within_the_bounds(fast_server, make_agent, minimum, maximum, peak_total,
                                                    lowest_running):
    server = fast_server
    ecs = server.boto3()
    cluster = unique("rolling")
    ecs.create_cluster(clusterName=cluster)
    make_agent(server, cluster, ["--availability-zone", "us-east-1a", "--memory", "1024"]).arn()
    make_agent(server, cluster, ["--availability-zone", "us-east-1b", "--memory", "1024"]).arn()
    sleeper(ecs, "roll-app")
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="roll-app", desiredCount=4,
                       deploymentConfiguration={"minimumHealthyPercent": minimum, "maximumPercent": maximum})
    steady(ecs, cluster, "web", 4)
    old = {t["taskArn"] for t in service_tasks(ecs, cluster, "web")}
    ecs.register_task_definition(family="roll-app", containerDefinitions=[
        {"name": "app", "image": TEST_IMAGE, "memory": 32, "stopTimeout": 2, "environment": [{"name": "V", "value": "2"}],
         "command": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]}])
    samples, stop = [], threading.Event()
    sampler = threading.Thread(target=sample_bounds, args=(ecs, cluster, "web", stop, samples))
    sampler.start()
    try:
        ecs.update_service(cluster=cluster, service="web", taskDefinition="roll-app:2")
        done = steady(ecs, cluster, "web", 4, timeout=180)
    finally:
        stop.set()
        sampler.join()
    assert done["taskDefinition"].endswith("roll-app:2")
    new = service_tasks(ecs, cluster, "web")
    assert not old & {t["taskArn"] for t in new}
    assert {t["taskDefinitionArn"].split("/")[-1] for t in new} == {"roll-app:2"}
    max_total = maximum * 4 // 100
    min_running = -(-minimum * 4 // 100)
    # The bounds hold at every moment, so at every sample, however few a busy machine
    # lets the sampler take.
    assert samples
    for running, pending, containers in samples:
        assert running + pending <= max_total, samples
        assert containers <= max_total, samples
        assert running >= min_running, samples
    # The guide's examples: 50/200 starts four new tasks before stopping the old ones
    # (a peak of eight); 50/100 never goes above four: it stops two old tasks at once
    # before their replacements start (a low point of two). The tasks' own records show
    # the order (a sample could fall on either side of a short peak): createdAt of the
    # new tasks against stoppingAt of the old.
    every = new + service_tasks(ecs, cluster, "web", status="STOPPED")
    old_stops = sorted(t["stoppingAt"] for t in every if t["taskArn"] in old)
    new_starts = sorted(t["createdAt"] for t in every if t["taskArn"] not in old)
    assert len(old_stops) == 4, every
    started_first = sum(1 for created in new_starts if created <= old_stops[0])
    stopped_first = sum(1 for stopping in old_stops if stopping < new_starts[0])
    assert started_first == peak_total - 4, (old_stops, new_starts)
    assert stopped_first == 4 - lowest_running, (old_stops, new_starts)
    messages = [e["message"] for e in done["events"]]
    stops = [int(re.search(r"has stopped (\d+) running tasks", m).group(1)) for m in messages
             if "has stopped" in m]
    assert stops, messages
    if lowest_running < 4:
        assert max(stops) == 4 - lowest_running, messages


def test_the_circuit_breaker_fails_a_bad_deployment_and_rolls_back(fast_server, make_agent):
    server = fast_server
    ecs = server.boto3()
    cluster = unique("breaker")
    ecs.create_cluster(clusterName=cluster)
    make_agent(server, cluster, ["--memory", "1024"]).arn()
    sleeper(ecs, "cb-app")
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="cb-app", desiredCount=2,
                       deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 200,
                                                "deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    first = steady(ecs, cluster, "web", 2)["deployments"][0]["id"]
    sleeper(ecs, "cb-app", image="127.0.0.1:1/admiral/does-not-exist:1")
    ecs.update_service(cluster=cluster, service="web", taskDefinition="cb-app:2")

    def rolled_back():
        s = service(ecs, cluster, "web")
        primary = [d for d in s["deployments"] if d["status"] == "PRIMARY"]
        return s if primary and primary[0]["id"] == first and primary[0]["rolloutState"] == "COMPLETED" else None
    state = wait_for("rollback completed", rolled_back, timeout=180, interval=0.5)
    assert state["taskDefinition"].endswith("cb-app:1")
    messages = [e["message"] for e in state["events"]]
    assert any("deployment failed: tasks failed to start." in m for m in messages)
    assert any("rolling back to deployment " + first in m for m in messages)
    running = service_tasks(ecs, cluster, "web")
    assert len(running) == 2 and {t["taskDefinitionArn"].split("/")[-1] for t in running} == {"cb-app:1"}
    failed = service_tasks(ecs, cluster, "web", status="STOPPED")
    assert any(t["stoppedReason"].startswith("CannotPullContainerError") for t in failed)


def test_a_lost_agent_has_its_tasks_replaced_elsewhere(fast_server, make_agent):
    server = fast_server
    ecs = server.boto3()
    cluster = unique("lost")
    ecs.create_cluster(clusterName=cluster)
    doomed = make_agent(server, cluster, ["--runtime", "simulated", "--availability-zone", "us-east-1a"])
    simulated_fleet(server, make_agent, cluster, zones=("us-east-1b", "us-east-1c"), count=2)
    wait_instances(ecs, cluster, 3)
    sleeper(ecs, "lost-app")
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="lost-app", desiredCount=3)
    steady(ecs, cluster, "web", 3)
    lost = doomed.arn()
    assert any(t["containerInstanceArn"] == lost for t in service_tasks(ecs, cluster, "web"))
    doomed.kill()
    wait_for("agent disconnected", lambda: not ecs.describe_container_instances(
        cluster=cluster, containerInstances=[lost])["containerInstances"][0]["agentConnected"])
    wait_for("the lost instance's task stopped", lambda: lost not in {
        t["containerInstanceArn"] for t in service_tasks(ecs, cluster, "web")})
    state = steady(ecs, cluster, "web", 3)
    assert lost not in {t["containerInstanceArn"] for t in service_tasks(ecs, cluster, "web")}
    stopped = [t for t in service_tasks(ecs, cluster, "web", status="STOPPED") if t["containerInstanceArn"] == lost]
    assert stopped and "disconnected" in stopped[0]["stoppedReason"]
    assert state["runningCount"] == 3


def test_a_draining_instance_is_emptied_within_the_bounds(fast_server, make_agent):
    server = fast_server
    ecs = server.boto3()
    cluster = unique("drain")
    ecs.create_cluster(clusterName=cluster)
    simulated_fleet(server, make_agent, cluster, zones=("us-east-1a", "us-east-1b"), count=4)
    arns = wait_instances(ecs, cluster, 4)
    sleeper(ecs, "drain-app")
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="drain-app", desiredCount=4,
                       deploymentConfiguration={"minimumHealthyPercent": 50, "maximumPercent": 100})
    steady(ecs, cluster, "web", 4)
    target = service_tasks(ecs, cluster, "web")[0]["containerInstanceArn"]
    samples, stop = [], threading.Event()

    def sample():
        while not stop.is_set():
            s = service(ecs, cluster, "web")
            samples.append((s["runningCount"], s["pendingCount"]))
            time.sleep(0.1)
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        ecs.update_container_instances_state(cluster=cluster, containerInstances=[target], status="DRAINING")
        wait_for("drained", lambda: target not in {t["containerInstanceArn"] for t in service_tasks(ecs, cluster, "web")}
                 and service(ecs, cluster, "web")["runningCount"] == 4, timeout=120)
    finally:
        stop.set()
        sampler.join()
    for running, pending in samples:
        assert running + pending <= 4 and running >= 2, samples
    instance = ecs.describe_container_instances(cluster=cluster, containerInstances=[target])["containerInstances"][0]
    assert instance["status"] == "DRAINING" and instance["runningTasksCount"] == 0


def test_a_daemon_service_follows_instances_joining_and_leaving(fast_server, make_agent):
    server = fast_server
    ecs = server.boto3()
    cluster = unique("daemon")
    ecs.create_cluster(clusterName=cluster)
    simulated_fleet(server, make_agent, cluster, zones=("us-east-1a",), count=2)
    wait_instances(ecs, cluster, 2)
    sleeper(ecs, "daemon-app", memory=16)
    ecs.create_service(cluster=cluster, serviceName="node-agent", taskDefinition="daemon-app",
                       schedulingStrategy="DAEMON")
    state = steady(ecs, cluster, "node-agent", 2)
    assert state["desiredCount"] == 2 and state["schedulingStrategy"] == "DAEMON"
    joiner = make_agent(server, cluster, ["--runtime", "simulated", "--availability-zone", "us-east-1b"])
    joined = joiner.arn()
    steady(ecs, cluster, "node-agent", 3)
    hosts = collections.Counter(t["containerInstanceArn"] for t in service_tasks(ecs, cluster, "node-agent"))
    assert len(hosts) == 3 and set(hosts.values()) == {1} and joined in hosts
    ecs.update_container_instances_state(cluster=cluster, containerInstances=[joined], status="DRAINING")
    steady(ecs, cluster, "node-agent", 2)
    assert joined not in {t["containerInstanceArn"] for t in service_tasks(ecs, cluster, "node-agent")}


def test_a_server_killed_mid_deployment_finishes_it_without_extra_tasks(make_server, make_agent):
    server = make_server(extra_args=["--service-healthy-after", "3"])
    ecs = server.boto3()
    cluster = unique("restart")
    ecs.create_cluster(clusterName=cluster)
    simulated_fleet(server, make_agent, cluster, count=3)
    wait_instances(ecs, cluster, 3)
    sleeper(ecs, "restart-app")
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="restart-app", desiredCount=6,
                       deploymentConfiguration={"minimumHealthyPercent": 50, "maximumPercent": 100})
    steady(ecs, cluster, "web", 6)
    sleeper(ecs, "restart-app", memory=48)
    ecs.update_service(cluster=cluster, service="web", taskDefinition="restart-app:2")
    new_id = wait_for("new deployment has tasks", lambda: (lambda s: next(
        (d["id"] for d in s["deployments"] if d["status"] == "PRIMARY" and d["runningCount"] + d["pendingCount"] > 0),
        None))(service(ecs, cluster, "web")), interval=0.05)
    port = server.endpoint.rsplit(":", 1)[1]
    server.kill()
    restarted = make_server(data_dir=server.data_dir, extra_args=["--port", port, "--service-healthy-after", "3"])
    ecs = restarted.boto3()
    done = steady(ecs, cluster, "web", 6, timeout=180)
    assert done["deployments"][0]["id"] == new_id
    every = service_tasks(ecs, cluster, "web") + service_tasks(ecs, cluster, "web", status="STOPPED")
    started_by_new = [t for t in every if t["startedBy"] == new_id]
    # Exactly the deployment's six tasks were started: none twice across the restart.
    assert len(started_by_new) == 6, [(t["taskArn"], t["lastStatus"]) for t in started_by_new]


def test_a_deployment_without_rollback_fails_and_repeated_placement_failures_are_throttled(fast_server, make_agent):
    server = fast_server
    ecs = server.boto3()
    cluster = unique("failed")
    ecs.create_cluster(clusterName=cluster)
    simulated_fleet(server, make_agent, cluster, zones=("us-east-1a",), count=1, memory=512)
    wait_instances(ecs, cluster, 1)
    # Too big for any instance: every attempt fails to place; the event is written once.
    sleeper(ecs, "huge", memory=4096)
    ecs.create_service(cluster=cluster, serviceName="huge", taskDefinition="huge", desiredCount=2,
                       deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": False}})

    def failed():
        s = service(ecs, cluster, "huge")
        primary = s["deployments"][0]
        return s if primary["rolloutState"] == "FAILED" else None
    state = wait_for("deployment FAILED", failed, timeout=180, interval=0.5)
    deployment = state["deployments"][0]
    assert deployment["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert deployment["failedTasks"] >= 3
    messages = [e["message"] for e in state["events"]]
    unable = [m for m in messages if "was unable to place a task" in m]
    assert len(unable) == 1, messages
    assert "has insufficient memory available" in unable[0]
    time.sleep(6)
    again = [e["message"] for e in service(ecs, cluster, "huge")["events"] if "was unable to place" in e["message"]]
    assert len(again) == 1
    assert service_tasks(ecs, cluster, "huge") == []


def test_container_health_checks_decide_when_a_task_counts_as_healthy(fast_server, make_agent):
    server = fast_server
    ecs = server.boto3()
    cluster = unique("health")
    ecs.create_cluster(clusterName=cluster)
    make_agent(server, cluster, ["--memory", "512"]).arn()
    ecs.register_task_definition(family="checked", containerDefinitions=[{
        "name": "app", "image": TEST_IMAGE, "memory": 32, "stopTimeout": 2,
        "command": ["sh", "-c", "sleep 2; touch /tmp/ok; trap 'exit 0' TERM; while true; do sleep 1; done"],
        "healthCheck": {"command": ["CMD-SHELL", "test -f /tmp/ok"], "interval": 5, "timeout": 2, "retries": 2}}])
    ecs.create_service(cluster=cluster, serviceName="checked", taskDefinition="checked", desiredCount=1)
    state = steady(ecs, cluster, "checked", 1)
    [task] = service_tasks(ecs, cluster, "checked")
    assert task["healthStatus"] == "HEALTHY" and task["containers"][0]["healthStatus"] == "HEALTHY"
    assert any("deployment completed" in e["message"] for e in state["events"])


def test_a_stored_count_beyond_the_quota_does_not_stop_the_server(make_server, make_agent):
    # A desiredCount stored before ECS's quota was applied (2147483647 once made the
    # server reserve room for every task and abort, again at every start): the server
    # starts, holds the count to the quota, and places what the cluster holds.
    server = make_server(extra_args=FAST)
    ecs = server.boto3()
    cluster = unique("quota")
    ecs.create_cluster(clusterName=cluster)
    simulated_fleet(server, make_agent, cluster, zones=("us-east-1a",), count=1, memory=256)
    wait_instances(ecs, cluster, 1)
    sleeper(ecs, "quota-app")
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="quota-app", desiredCount=1)
    steady(ecs, cluster, "web", 1)
    port = server.endpoint.rsplit(":", 1)[1]
    assert server.stop() == 0
    database = sqlite3.connect(os.path.join(server.data_dir, "admiral.sqlite"))
    with database:
        (body,) = database.execute("SELECT body FROM services WHERE cluster = ? AND name = 'web'",
                                   (cluster,)).fetchone()
        record = json.loads(bytes(body))
        record["service"]["desiredCount"] = 2147483647
        database.execute("UPDATE services SET body = ? WHERE cluster = ? AND name = 'web'",
                         (json.dumps(record).encode(), cluster))
    database.close()
    restarted = make_server(data_dir=server.data_dir, extra_args=["--port", port, *FAST])
    ecs = restarted.boto3()
    # 256 MiB hold eight tasks of 32 MiB.
    wait_for("the instance full", lambda: service(ecs, cluster, "web")["runningCount"] == 8, timeout=120)
    wait_for("the placement failure reported", lambda: any(
        "was unable to place a task" in e["message"] for e in service(ecs, cluster, "web")["events"]), timeout=60)
    assert service(ecs, cluster, "web")["desiredCount"] == 2147483647
    assert restarted.process.poll() is None, restarted.read_log()
