"""`admiral check`: the invariant checker, on the state a real server keeps. A realistic
workload checks clean (while the server runs and after it stopped); the same database
corrupted with sqlite3 is reported; a folder that holds no state exits 2; and with
`--docker-host`, a container the store does not know and a RUNNING task without its
container are found on a real Docker host."""
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid

import pytest

from conftest import BINARY, DOCKER_HOST, TEST_IMAGE, docker, wait_for
from test_load_balancing import FAST, balancer, free_port, get, target_group, unique, web_task
from test_services import service, simulated_fleet, sleeper, steady, wait_instances

ACCOUNT = "000000000000"
REGION = "us-east-1"


def check(data_dir, *args):
    """Runs `admiral check`; returns (exit status, stdout lines, stderr)."""
    result = subprocess.run([BINARY, "check", "--data-dir", data_dir, *args],
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout.splitlines(), result.stderr


def assert_clean(data_dir, *args):
    code, lines, stderr = check(data_dir, *args)
    assert code == 0, "\n".join(lines) + stderr
    assert lines[0].startswith("CHECKED "), lines
    assert lines[-1] == "OK no invariant is broken", lines
    return dict(pair.split("=") for pair in lines[0].split()[1:])


def violations(lines):
    return [line for line in lines if line.startswith("VIOLATION ")]


def test_a_workload_checks_clean_and_a_corrupted_database_does_not(make_server, make_agent):
    server = make_server(extra_args=FAST)
    ecs = server.boto3()
    cluster = unique("check")
    ecs.create_cluster(clusterName=cluster)
    simulated_fleet(server, make_agent, cluster)
    instances = wait_instances(ecs, cluster, 3)

    web, probe, batch = unique("web"), unique("probe"), unique("batch")
    ecs.register_task_definition(family=web, containerDefinitions=[
        {"name": "app", "image": TEST_IMAGE, "memory": 64, "cpu": 128,
         "portMappings": [{"containerPort": 80, "hostPort": 8080}]}])
    sleeper(ecs, probe)
    sleeper(ecs, batch, memory=96)
    sleeper(ecs, batch, memory=96)  # revision 2, which RunTask takes
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition=web, desiredCount=3)
    ecs.create_service(cluster=cluster, serviceName="probe", taskDefinition=probe, schedulingStrategy="DAEMON")
    steady(ecs, cluster, "web", 3)
    steady(ecs, cluster, "probe", 3)
    ran = ecs.run_task(cluster=cluster, taskDefinition=batch, count=2)["tasks"]
    assert len(ran) == 2
    ecs.stop_task(cluster=cluster, task=ran[0]["taskArn"], reason="done")
    # A rolling deployment (a fixed host port: a new task only where an old one left),
    # then a scale-in.
    ecs.register_task_definition(family=web, containerDefinitions=[
        {"name": "app", "image": TEST_IMAGE, "memory": 80, "cpu": 128,
         "portMappings": [{"containerPort": 80, "hostPort": 8080}]}])
    ecs.update_service(cluster=cluster, service="web", taskDefinition=f"{web}:2",
                       deploymentConfiguration={"minimumHealthyPercent": 50, "maximumPercent": 100})
    steady(ecs, cluster, "web", 3)
    ecs.update_service(cluster=cluster, service="web", desiredCount=2)
    steady(ecs, cluster, "web", 2)
    def all_stopped():
        arns = ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"]
        return arns and all(t["lastStatus"] == "STOPPED" for t in ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"])
    wait_for("every task asked to stop STOPPED", all_stopped)

    # While the server runs (and its agents report), then after it stopped.
    counts = assert_clean(server.data_dir)
    assert int(counts["clusters"]) >= 1 and int(counts["container_instances"]) == 3
    assert int(counts["services"]) == 2 and int(counts["task_definitions"]) == 5
    assert int(counts["live_tasks"]) == 2 + 3 + 1, counts
    assert server.stop() == 0
    assert_clean(server.data_dir)

    # Corrupt the stopped server's database: one instance's usage, and a revision gone.
    instance_id = instances[0].rsplit("/", 1)[1]
    db = sqlite3.connect(os.path.join(server.data_dir, "admiral.sqlite"))
    (body,), = db.execute("SELECT body FROM container_instances WHERE cluster = ? AND id = ?", (cluster, instance_id))
    record = json.loads(body)
    record["usage"]["memory"] += 100
    db.execute("UPDATE container_instances SET body = ? WHERE cluster = ? AND id = ?",
               (json.dumps(record).encode(), cluster, instance_id))
    db.execute("DELETE FROM task_definitions WHERE family = ? AND revision = 1", (batch,))
    db.commit()
    db.close()
    code, lines, stderr = check(server.data_dir)
    assert code == 1, "\n".join(lines) + stderr
    found = violations(lines)
    arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:container-instance/{cluster}/{instance_id}"
    usage = [line for line in found if line.startswith(f"VIOLATION instance-usage {arn}: recorded memory in use is ")]
    assert len(usage) == 1, found
    assert f"VIOLATION revisions arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{batch}: " \
           f"Revisions of family '{batch}' must be 1...2 with none missing: revision(s) 1 are missing." in found, found
    assert len(found) == 2, found
    assert lines[-1] == "FAILED 2 violation(s)", lines


def test_a_folder_without_readable_state_exits_2(make_server):
    folder = tempfile.mkdtemp(prefix="admiral-check-")
    try:
        code, lines, stderr = check(os.path.join(folder, "missing"))
        assert code == 2 and "does not exist" in stderr, (lines, stderr)
        code, lines, stderr = check(folder)
        assert code == 2 and "holds no admiral.sqlite" in stderr, (lines, stderr)
        with open(os.path.join(folder, "admiral.sqlite"), "wb") as f:
            f.write(b"not a database, " * 512)
        code, lines, stderr = check(folder)
        assert code == 2 and "Cannot read" in stderr, (lines, stderr)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    # A database of an older schema: the checker says so and migrates nothing.
    server = make_server()
    server.boto3().create_cluster(clusterName="old")
    assert server.stop() == 0
    path = os.path.join(server.data_dir, "admiral.sqlite")
    db = sqlite3.connect(path)
    db.execute("DELETE FROM grdb_migrations WHERE identifier = 'elbv2-v1'")
    db.commit()
    db.close()
    code, lines, stderr = check(server.data_dir)
    assert code == 2 and "older than this admiral expects" in stderr and "elbv2-v1" in stderr, (lines, stderr)
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM grdb_migrations WHERE identifier = 'elbv2-v1'").fetchone() == (0,)
    db.close()


needs_docker = pytest.mark.skipif(
    not DOCKER_HOST and os.environ.get("ADMIRAL_REQUIRE_DOCKER") != "1",
    reason="ADMIRAL_DOCKER_HOST is not set (scripts/test sets it)")


def start_site(server, make_agent):
    """A service of two real web containers behind a load balancer, steady and answering."""
    ecs, elb = server.boto3(), server.boto3("elbv2")
    cluster = unique("check-host")
    ecs.create_cluster(clusterName=cluster)
    agent = make_agent(server, cluster, ["--memory", "512"])
    agent.arn()
    web_task(ecs, "check-site", "v1")
    group = target_group(elb, unique("check-site"), target_type="instance")
    port = free_port()
    lb, _ = balancer(elb, unique("check-site"), port, group)
    ecs.create_service(cluster=cluster, serviceName="site", taskDefinition="check-site", desiredCount=2,
                       loadBalancers=[{"targetGroupArn": group, "containerName": "web", "containerPort": 80}])
    steady(ecs, cluster, "site", 2, timeout=180)
    url = f"http://{lb['DNSName']}:{port}/"
    wait_for("the site answering", lambda: get(url) == (200, "v1\n"), timeout=120, interval=0.5)
    return ecs, elb, cluster, agent, group, url


@needs_docker
def test_docker_host_containers_are_compared_with_the_store(make_server, make_agent):
    server = make_server(extra_args=FAST)
    ecs, _, cluster, agent, _, _ = start_site(server, make_agent)
    instance_id = agent.arn().rsplit("/", 1)[1]
    sleeper(ecs, "check-sleeper")
    [ran] = ecs.run_task(cluster=cluster, taskDefinition="check-sleeper")["tasks"]
    wait_for("the sleeper running", lambda: ecs.describe_tasks(cluster=cluster, tasks=[ran["taskArn"]])["tasks"][0][
        "lastStatus"] == "RUNNING", timeout=120)
    counts = assert_clean(server.data_dir, "--docker-host", DOCKER_HOST)
    assert int(counts["host_containers"]) >= 3 and int(counts["targets"]) == 2, counts

    # The agent goes away (its containers outlive it, as ECS's do); meanwhile a container
    # with its labels appears that no task of the store owns, and a task's container is
    # removed behind the store's back.
    agent.stop()
    ghost = uuid.uuid4().hex
    ghost_arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{cluster}/{ghost}"
    stray = docker("run", "-d", "--name", f"ecs-ghost-1-app-{ghost}",
                   "--label", f"com.amazonaws.ecs.cluster={cluster}",
                   "--label", f"com.amazonaws.ecs.task-arn={ghost_arn}",
                   "--label", "com.amazonaws.ecs.container-name=app",
                   "--label", f"admiral.container-instance={instance_id}",
                   TEST_IMAGE, "sleep", "600").strip()
    assert stray
    removed = docker("ps", "-q", "--filter", f"label=com.amazonaws.ecs.task-arn={ran['taskArn']}").split()
    assert len(removed) == 1
    docker("rm", "-f", *removed)

    code, lines, stderr = check(server.data_dir, "--docker-host", DOCKER_HOST)
    assert code == 1, "\n".join(lines) + stderr
    found = violations(lines)
    assert [line for line in found if line.startswith(f"VIOLATION host-container {ghost_arn}: Running container "
                                                      f"ecs-ghost-1-app-{ghost} ")], found
    assert [line for line in found if line.startswith(f"VIOLATION host-task {ran['taskArn']}: The task is RUNNING")], \
        found
    assert len(found) == 2, found
    # Without the Docker host, the store alone is consistent.
    assert_clean(server.data_dir)
    docker("rm", "-f", stray)


@needs_docker
def test_a_crashed_service_task_leaves_its_target_group(make_server, make_agent):
    server = make_server(extra_args=FAST)
    ecs, elb, cluster, _, group, url = start_site(server, make_agent)
    assert_clean(server.data_dir, "--docker-host", DOCKER_HOST)
    # A service task's container dies: the scheduler replaces the task, and the dead
    # task's target must leave the target group.
    [crashed] = docker("ps", "-q", "--filter", f"label=com.amazonaws.ecs.cluster={cluster}",
                       "--filter", "label=com.amazonaws.ecs.container-name=web", "--latest").split()
    docker("kill", crashed)

    def replaced():
        stopped = ecs.list_tasks(cluster=cluster, serviceName="site", desiredStatus="STOPPED")["taskArns"]
        s = service(ecs, cluster, "site")
        return stopped and s["runningCount"] == 2 and s["pendingCount"] == 0
    wait_for("the crashed task replaced", replaced, timeout=180, interval=0.5)
    wait_for("the site answering", lambda: get(url) == (200, "v1\n"), timeout=120, interval=0.5)
    def deregistered():
        # Deregistered, the dead target drains (listed as `draining` for the group's
        # deregistration delay, as on AWS) or is gone; the two live ones serve.
        states = [d["TargetHealth"]["State"]
                  for d in elb.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]]
        return len([state for state in states if state != "draining"]) == 2
    wait_for("the dead task's target out of its group", deregistered, timeout=30, interval=1)
    assert_clean(server.data_dir, "--docker-host", DOCKER_HOST)
