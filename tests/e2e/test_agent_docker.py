"""The container agent on a real Docker daemon, driven with the aws CLI and boto3:
container instances, RunTask/StopTask, the task lifecycle, restarts of agent and server."""
import json
import signal
import threading
import time
import urllib.request
import uuid

from conftest import TEST_IMAGE, docker, wait_for


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def resource(instance, name):
    for item in instance["remainingResources" if name.startswith("remaining:") else "registeredResources"]:
        if item["name"] == name.split(":")[-1]:
            return item.get("integerValue") if item["type"] == "INTEGER" else sorted(item.get("stringSetValue", []))
    raise KeyError(name)


def describe_task(server, cluster, arn):
    return server.aws("ecs", "describe-tasks", "--cluster", cluster, "--tasks", arn)["tasks"][0]


def wait_status(server, cluster, arn, status, timeout=120):
    return wait_for(f"task {arn} {status}",
                    lambda: (lambda t: t if t["lastStatus"] == status else None)(describe_task(server, cluster, arn)),
                    timeout=timeout)


WEB_AND_SIDECAR = [
    {"name": "web", "image": TEST_IMAGE, "cpu": 128, "memory": 64, "essential": True,
     "command": ["httpd", "-f", "-p", "8080", "-h", "/www"], "stopTimeout": 2,
     "portMappings": [{"containerPort": 8080, "hostPort": 0, "protocol": "tcp"}]},
    {"name": "sidecar", "image": TEST_IMAGE, "cpu": 64, "memoryReservation": 32, "essential": False,
     "command": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]},
]


def test_two_agents_in_two_zones_run_a_web_task_that_answers(server, make_agent):
    cluster = unique("zones")
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    agent_a = make_agent(server, cluster, ["--availability-zone", "us-east-1a", "--cpu", "2048", "--memory", "1024",
                                           "--attribute", "stack=blue", "--host-port-address", "127.0.0.1"])
    agent_b = make_agent(server, cluster, ["--availability-zone", "us-east-1b", "--cpu", "2048", "--memory", "1024",
                                           "--host-port-address", "127.0.0.1"])
    arns = {agent_a.arn(), agent_b.arn()}
    listed = server.aws("ecs", "list-container-instances", "--cluster", cluster)["containerInstanceArns"]
    assert set(listed) == arns
    instances = server.aws("ecs", "describe-container-instances", "--cluster", cluster,
                           "--container-instances", *arns)["containerInstances"]
    zones = {}
    for instance in instances:
        attributes = {a["name"]: a.get("value") for a in instance["attributes"]}
        zones[instance["containerInstanceArn"]] = attributes["ecs.availability-zone"]
        assert attributes["ecs.os-type"] == "linux"
        assert attributes["ecs.cpu-architecture"] in ("x86_64", "arm64")
        assert "com.amazonaws.ecs.capability.docker-remote-api.1.21" in attributes
        assert "com.amazonaws.ecs.capability.logging-driver.json-file" in attributes
        assert instance["agentConnected"] is True and instance["status"] == "ACTIVE"
        assert resource(instance, "CPU") == 2048 and resource(instance, "MEMORY") == 1024
        assert {"22", "2375", "2376", "51678", "51679"} <= set(resource(instance, "PORTS"))
        assert instance["versionInfo"]["dockerVersion"].startswith("DockerVersion: ")
    assert sorted(zones.values()) == ["us-east-1a", "us-east-1b"]
    assert server.aws("ecs", "describe-clusters", "--clusters", cluster)["clusters"][0][
        "registeredContainerInstancesCount"] == 2

    server.aws("ecs", "register-task-definition", "--family", "webapp",
               "--container-definitions", json.dumps(WEB_AND_SIDECAR))
    run = server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", "webapp",
                     "--placement-constraints", "type=memberOf,expression=attribute:stack == blue")
    assert run["failures"] == []
    task_arn = run["tasks"][0]["taskArn"]
    assert run["tasks"][0]["containerInstanceArn"] == agent_a.arn()
    task = wait_status(server, cluster, task_arn, "RUNNING")
    assert task["desiredStatus"] == "RUNNING" and task["startedAt"] >= task["createdAt"]
    assert task["availabilityZone"] == "us-east-1a"
    assert task["pullStartedAt"] <= task["pullStoppedAt"]
    containers = {c["name"]: c for c in task["containers"]}
    assert {c["lastStatus"] for c in containers.values()} == {"RUNNING"}
    binding = containers["web"]["networkBindings"][0]
    assert binding["containerPort"] == 8080 and binding["hostPort"] > 0

    labels = docker("ps", "--filter", f"label=com.amazonaws.ecs.task-arn={task_arn}",
                    "--format", "{{.ID}} {{.Label \"com.amazonaws.ecs.container-name\"}} "
                    "{{.Label \"com.amazonaws.ecs.cluster\"}}").split("\n")
    seen = {tuple(line.split()[1:]) for line in labels if line}
    assert seen == {("web", cluster), ("sidecar", cluster)}
    runtime_ids = {c["runtimeId"][:12] for c in containers.values()}
    assert runtime_ids == {line.split()[0] for line in labels if line}

    # RUNNING means the container started, not that httpd listens yet: ask until it answers.
    def answer():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{binding['hostPort']}/", timeout=10) as response:
                return response.read().decode().strip()
        except OSError:
            return None
    assert wait_for("httpd answers", answer) == "admiral-test"

    # The instance's remaining resources are less by exactly the task's reservation:
    # CPU 128 + 64, memory 64 (web's hard limit) + 32 (sidecar's soft limit).
    instance = server.aws("ecs", "describe-container-instances", "--cluster", cluster,
                          "--container-instances", agent_a.arn())["containerInstances"][0]
    assert resource(instance, "remaining:CPU") == 2048 - 192
    assert resource(instance, "remaining:MEMORY") == 1024 - 96
    assert instance["runningTasksCount"] == 1
    assert server.aws("ecs", "describe-clusters", "--clusters", cluster)["clusters"][0]["runningTasksCount"] == 1

    server.aws("ecs", "stop-task", "--cluster", cluster, "--task", task_arn, "--reason", "done testing")
    stopped = wait_status(server, cluster, task_arn, "STOPPED")
    assert stopped["stopCode"] == "UserInitiated" and stopped["stoppedReason"] == "done testing"
    assert stopped["stoppingAt"] <= stopped["stoppedAt"]
    exits = {c["name"]: c.get("exitCode") for c in stopped["containers"]}
    assert exits["sidecar"] == 0 and exits["web"] is not None
    instance = server.aws("ecs", "describe-container-instances", "--cluster", cluster,
                          "--container-instances", agent_a.arn())["containerInstances"][0]
    assert resource(instance, "remaining:CPU") == 2048 and resource(instance, "remaining:MEMORY") == 1024
    assert instance["runningTasksCount"] == 0
    assert task_arn in server.aws("ecs", "list-tasks", "--cluster", cluster, "--desired-status", "STOPPED")["taskArns"]


def test_an_essential_container_that_exits_stops_its_task(server, make_agent):
    cluster = unique("essential")
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    make_agent(server, cluster).arn()
    containers = [
        {"name": "main", "image": TEST_IMAGE, "memory": 32, "command": ["sh", "-c", "sleep 1; exit 3"]},
        {"name": "helper", "image": TEST_IMAGE, "memory": 32, "essential": False,
         "command": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]},
    ]
    server.aws("ecs", "register-task-definition", "--family", "short", "--container-definitions", json.dumps(containers))
    arn = server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", "short")["tasks"][0]["taskArn"]
    task = wait_status(server, cluster, arn, "STOPPED")
    assert task["stopCode"] == "EssentialContainerExited"
    assert task["stoppedReason"] == "Essential container in task exited"
    exits = {c["name"]: c.get("exitCode") for c in task["containers"]}
    assert exits == {"main": 3, "helper": 0}


def test_a_killed_container_shows_in_describe_tasks_at_once(server, make_agent):
    cluster = unique("kill")
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    make_agent(server, cluster).arn()
    server.aws("ecs", "register-task-definition", "--family", "sleeper", "--container-definitions", json.dumps(
        [{"name": "app", "image": TEST_IMAGE, "memory": 32, "command": ["sleep", "3600"], "stopTimeout": 2}]))
    arn = server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", "sleeper")["tasks"][0]["taskArn"]
    task = wait_status(server, cluster, arn, "RUNNING")
    ecs = server.boto3()
    docker("kill", task["containers"][0]["runtimeId"])
    # The agent does not poll its containers: it learns of the exit from Docker's event
    # stream alone, so the stop shows only if the event reached it. (How fast is a
    # figure for a benchmark, not an assertion here.)
    wait_for("STOPPED", lambda: ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED",
             interval=0.02)
    task = ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]
    assert task["containers"][0]["exitCode"] == 137
    assert task["stopCode"] == "EssentialContainerExited"


def test_an_agent_killed_and_restarted_keeps_its_instance_and_containers(server, make_agent):
    cluster = unique("agentkill")
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    agent = make_agent(server, cluster)
    arn = agent.arn()
    server.aws("ecs", "register-task-definition", "--family", "sleeper", "--container-definitions", json.dumps(
        [{"name": "app", "image": TEST_IMAGE, "memory": 32, "command": ["sleep", "3600"], "stopTimeout": 2}]))
    tasks = server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", "sleeper", "--count", "2")["tasks"]
    for task in tasks:
        wait_status(server, cluster, task["taskArn"], "RUNNING")
    before = sorted(docker("ps", "-q", "--no-trunc", "--filter", f"label=com.amazonaws.ecs.cluster={cluster}").split())
    assert len(before) == 2

    agent.kill()
    restarted = make_agent(server, cluster, data_dir=agent.data_dir)
    assert restarted.arn() == arn
    wait_for("agent connected", lambda: server.aws(
        "ecs", "describe-container-instances", "--cluster", cluster, "--container-instances", arn
    )["containerInstances"][0]["agentConnected"])
    # The restarted agent adopted the containers: same ones, none added, tasks still RUNNING.
    time.sleep(1)
    after = sorted(docker("ps", "-aq", "--no-trunc", "--filter", f"label=com.amazonaws.ecs.cluster={cluster}").split())
    assert after == before
    assert len(server.aws("ecs", "list-container-instances", "--cluster", cluster)["containerInstanceArns"]) == 1
    for task in tasks:
        assert describe_task(server, cluster, task["taskArn"])["lastStatus"] == "RUNNING"
    # And it still drives them.
    server.aws("ecs", "stop-task", "--cluster", cluster, "--task", tasks[0]["taskArn"])
    wait_status(server, cluster, tasks[0]["taskArn"], "STOPPED")


def test_a_server_killed_and_restarted_keeps_every_task(make_server, make_agent):
    server = make_server()
    cluster = unique("serverkill")
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    agent = make_agent(server, cluster)
    agent.arn()
    server.aws("ecs", "register-task-definition", "--family", "sleeper", "--container-definitions", json.dumps(
        [{"name": "app", "image": TEST_IMAGE, "memory": 32, "command": ["sleep", "3600"], "stopTimeout": 2}]))
    tasks = [t["taskArn"] for t in
             server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", "sleeper", "--count", "3")["tasks"]]
    for arn in tasks:
        wait_status(server, cluster, arn, "RUNNING")
    port = server.endpoint.rsplit(":", 1)[1]
    server.kill()
    restarted = make_server(data_dir=server.data_dir, extra_args=["--port", port])
    assert restarted.endpoint == server.endpoint
    listed = restarted.aws("ecs", "list-tasks", "--cluster", cluster)["taskArns"]
    assert sorted(listed) == sorted(tasks)
    # The agent reconnects; a stop after the restart still reaches it.
    restarted.aws("ecs", "stop-task", "--cluster", cluster, "--task", tasks[0])
    wait_status(restarted, cluster, tasks[0], "STOPPED")
    for arn in tasks[1:]:
        assert describe_task(restarted, cluster, arn)["lastStatus"] == "RUNNING"
    assert len(docker("ps", "-q", "--filter", f"label=com.amazonaws.ecs.cluster={cluster}").split()) == 2


def test_bad_task_definitions_fail_with_ecs_reasons(server, make_agent):
    cluster = unique("bad")
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    make_agent(server, cluster, ["--memory", "512"]).arn()
    server.aws("ecs", "register-task-definition", "--family", "missing-image", "--container-definitions", json.dumps(
        [{"name": "app", "image": "127.0.0.1:1/admiral/no-such-image:1", "memory": 32}]))
    arn = server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", "missing-image")["tasks"][0]["taskArn"]
    task = wait_status(server, cluster, arn, "STOPPED")
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith("CannotPullContainerError:")
    assert task["containers"][0]["reason"].startswith("CannotPullContainerError:")

    server.aws("ecs", "register-task-definition", "--family", "too-big", "--container-definitions", json.dumps(
        [{"name": "app", "image": TEST_IMAGE, "memory": 4096}]))
    run = server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", "too-big")
    assert run["tasks"] == []
    assert [f["reason"] for f in run["failures"]] == ["RESOURCE:MEMORY"]


def test_concurrent_run_task_calls_never_overbook_an_instance(server, make_agent):
    cluster = unique("concurrent")
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    # Exactly five 64 MiB tasks fit.
    make_agent(server, cluster, ["--memory", "320", "--cpu", "4096"]).arn()
    server.aws("ecs", "register-task-definition", "--family", "fit", "--container-definitions", json.dumps(
        [{"name": "app", "image": TEST_IMAGE, "memory": 64, "command": ["sleep", "3600"], "stopTimeout": 2}]))
    results = []
    lock = threading.Lock()

    def run():
        response = server.boto3().run_task(cluster=cluster, taskDefinition="fit")
        with lock:
            results.append(response)

    threads = [threading.Thread(target=run) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    placed = [t for r in results for t in r["tasks"]]
    failed = [f for r in results for f in r["failures"]]
    assert len(placed) == 5
    assert len(failed) == 15 and {f["reason"] for f in failed} == {"RESOURCE:MEMORY"}
    for task in placed:
        wait_status(server, cluster, task["taskArn"], "RUNNING")
    assert len(docker("ps", "-q", "--filter", f"label=com.amazonaws.ecs.cluster={cluster}").split()) == 5


def inspect(container_id):
    return json.loads(docker("inspect", container_id))[0]


def test_container_definitions_and_overrides_reach_docker(server, make_agent, tmp_path):
    cluster = unique("mapping")
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    make_agent(server, cluster).arn()
    host_dir = tmp_path / "shared"
    host_dir.mkdir()
    (host_dir / "hello.txt").write_text("from the host\n")
    containers = [
        {"name": "app", "image": TEST_IMAGE, "cpu": 256, "memory": 96, "memoryReservation": 48, "stopTimeout": 2,
         "command": ["sh", "-c", "echo $GREETING > /data/out.txt; cat /host/hello.txt >> /data/out.txt; sleep 3600"],
         "environment": [{"name": "GREETING", "value": "hello"}, {"name": "MODE", "value": "prod"}],
         "workingDirectory": "/tmp", "hostname": "app-host",
         "dockerLabels": {"team": "platform"}, "readonlyRootFilesystem": True,
         "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 2048}],
         "extraHosts": [{"hostname": "db.internal", "ipAddress": "10.0.0.9"}], "dnsServers": ["10.0.0.2"],
         "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"},
                         {"sourceVolume": "host", "containerPath": "/host", "readOnly": True}],
         "links": ["sidecar:side"], "dependsOn": [{"containerName": "sidecar", "condition": "HEALTHY"}]},
        {"name": "sidecar", "image": TEST_IMAGE, "memory": 32, "essential": False,
         "stopTimeout": 2, "command": ["sh", "-c", "touch /tmp/ready; sleep 3600"],
         "healthCheck": {"command": ["CMD-SHELL", "test -f /tmp/ready"], "interval": 5, "timeout": 2, "retries": 3}},
        {"name": "reader", "image": TEST_IMAGE, "memory": 32, "essential": False, "stopTimeout": 2,
         "command": ["sleep", "3600"], "user": "nobody",
         "volumesFrom": [{"sourceContainer": "app", "readOnly": True}]},
    ]
    volumes = [{"name": "data"}, {"name": "host", "host": {"sourcePath": str(host_dir)}}]
    server.aws("ecs", "register-task-definition", "--family", "mapped", "--container-definitions",
               json.dumps(containers), "--volumes", json.dumps(volumes))
    overrides = {"containerOverrides": [{"name": "app", "environment": [{"name": "MODE", "value": "test"}],
                                         "memory": 128}]}
    run = server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", "mapped", "--overrides",
                     json.dumps(overrides), "--tags", "key=run,value=mapping", "--started-by", "mapper")
    arn = run["tasks"][0]["taskArn"]
    assert run["tasks"][0]["overrides"]["containerOverrides"][0]["name"] == "app"
    task = wait_status(server, cluster, arn, "RUNNING", timeout=90)
    by_name = {c["name"]: c for c in task["containers"]}
    assert by_name["sidecar"]["healthStatus"] == "HEALTHY"
    app = inspect(by_name["app"]["runtimeId"])
    config, host = app["Config"], app["HostConfig"]
    env = dict(item.split("=", 1) for item in config["Env"] if "=" in item)
    assert env["GREETING"] == "hello" and env["MODE"] == "test"
    assert config["WorkingDir"] == "/tmp" and config["Hostname"] == "app-host"
    assert config["Labels"]["team"] == "platform"
    assert config["Labels"]["com.amazonaws.ecs.container-name"] == "app"
    assert host["CpuShares"] == 256
    assert host["Memory"] == 128 * 1024 * 1024 and host["MemoryReservation"] == 48 * 1024 * 1024
    assert host["ReadonlyRootfs"] is True
    assert host["Ulimits"] == [{"Name": "nofile", "Soft": 1024, "Hard": 2048}]
    assert host["ExtraHosts"] == ["db.internal:10.0.0.9"] and host["Dns"] == ["10.0.0.2"]
    assert any(link.endswith(":/" + app["Name"].strip("/") + "/side") for link in host["Links"])
    mounts = {m["Destination"]: m for m in app["Mounts"]}
    assert mounts["/host"]["Source"] == str(host_dir) and mounts["/host"]["RW"] is False
    assert mounts["/data"]["Type"] == "volume"
    reader = inspect(by_name["reader"]["runtimeId"])
    assert reader["HostConfig"]["VolumesFrom"] == [app["Name"].strip("/") + ":ro"]
    assert reader["Config"]["User"] == "nobody"
    # The app container saw its environment and both volumes; the reader sees the app's.
    output = docker("exec", by_name["reader"]["runtimeId"], "cat", "/data/out.txt")
    assert output == "hello\nfrom the host\n"
    tagged = server.aws("ecs", "describe-tasks", "--cluster", cluster, "--tasks", arn, "--include", "TAGS")
    assert tagged["tasks"][0]["tags"] == [{"key": "run", "value": "mapping"}]
    assert server.aws("ecs", "list-tasks", "--cluster", cluster, "--started-by", "mapper")["taskArns"] == [arn]
    assert server.aws("ecs", "list-tasks", "--cluster", cluster, "--family", "mapped")["taskArns"] == [arn]
    assert server.aws("ecs", "list-tasks", "--cluster", cluster, "--family", "other")["taskArns"] == []
    server.aws("ecs", "stop-task", "--cluster", cluster, "--task", arn)
    wait_status(server, cluster, arn, "STOPPED")


def test_an_agent_away_past_the_grace_loses_its_tasks_and_stops_them_on_return(make_server, make_agent):
    server = make_server(extra_args=["--agent-disconnect-after", "2", "--instance-lost-after", "4"])
    cluster = unique("paused")
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    agent = make_agent(server, cluster)
    instance = agent.arn()
    server.aws("ecs", "register-task-definition", "--family", "sleeper", "--container-definitions", json.dumps(
        [{"name": "app", "image": TEST_IMAGE, "memory": 32, "command": ["sleep", "3600"], "stopTimeout": 2}]))
    arn = server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", "sleeper")["tasks"][0]["taskArn"]
    task = wait_status(server, cluster, arn, "RUNNING")
    container = task["containers"][0]["runtimeId"]
    agent.process.send_signal(signal.SIGSTOP)
    try:
        ecs = server.boto3()
        wait_for("disconnected", lambda: not ecs.describe_container_instances(
            cluster=cluster, containerInstances=[instance])["containerInstances"][0]["agentConnected"])
        lost = wait_for("task lost", lambda: (lambda t: t if t["lastStatus"] == "STOPPED" else None)(
            ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]))
        assert "disconnected" in lost["stoppedReason"]
        # The agent cannot be reached, so its container still runs...
        assert inspect(container)["State"]["Running"] is True
    finally:
        agent.process.send_signal(signal.SIGCONT)
    # ...until the agent is back: the task is not listed any more, so it stops it.
    wait_for("container stopped", lambda: not inspect(container)["State"]["Running"])
    wait_for("connected again", lambda: ecs.describe_container_instances(
        cluster=cluster, containerInstances=[instance])["containerInstances"][0]["agentConnected"])
    assert ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED"


def test_the_agent_reads_an_ecs_config_file(server, make_agent, tmp_path):
    cluster = unique("config")
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    config = tmp_path / "ecs.config"
    config.write_text(f"ECS_CLUSTER={cluster}\nECS_INSTANCE_ATTRIBUTES={{\"stack\":\"blue\",\"tier\":\"web\"}}\n"
                      "ECS_RESERVED_MEMORY=256\nECS_RESERVED_PORTS=[8080]\nECS_RESERVED_PORTS_UDP=[5353]\n")
    # No --cluster: the cluster comes from the file.
    agent = make_agent(server, cluster, ["--runtime", "simulated", "--memory", "2048", "--config", str(config)],
                       cluster_flag=False)
    arn = agent.arn()
    instance = server.boto3().describe_container_instances(cluster=cluster, containerInstances=[arn])[
        "containerInstances"][0]
    attributes = {a["name"]: a.get("value") for a in instance["attributes"]}
    assert attributes["stack"] == "blue" and attributes["tier"] == "web"
    assert attributes["admiral.runtime"] == "simulated"
    registered = {r["name"]: r for r in instance["registeredResources"]}
    assert registered["MEMORY"]["integerValue"] == 2048
    assert "8080" in registered["PORTS"]["stringSetValue"] and "22" in registered["PORTS"]["stringSetValue"]
    assert registered["PORTS_UDP"]["stringSetValue"] == ["5353"]
