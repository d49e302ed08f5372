"""Durability: every acknowledged write survives SIGKILL; SIGTERM shuts down cleanly."""
import re
import subprocess
import threading
import time

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from conftest import BINARY

FAMILIES = ("burst-a", "burst-b")
CLIENTS = 6


def assert_check_clean(data_dir):
    """`admiral check` finds no broken invariant in the state (a server may be running on it)."""
    result = subprocess.run([BINARY, "check", "--data-dir", data_dir], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def all_revisions(ecs, family):
    arns = []
    token = None
    while True:
        kwargs = {"familyPrefix": family, "sort": "ASC", "maxResults": 100}
        if token:
            kwargs["nextToken"] = token
        page = ecs.list_task_definitions(**kwargs)
        arns.extend(page["taskDefinitionArns"])
        token = page.get("nextToken")
        if not token:
            return arns


def test_acknowledged_registrations_survive_sigkill(server, make_server):
    clients = [server.boto3(connect_timeout=5, read_timeout=10) for _ in range(CLIENTS)]
    acknowledged = []  # (family, revision, containerDefinitions sent)
    errors = []
    lock = threading.Lock()
    stop = threading.Event()

    def burst(index, ecs):
        family = FAMILIES[index % len(FAMILIES)]
        sequence = 0
        while not stop.is_set():
            sequence += 1
            containers = [{
                "name": "app", "image": f"busybox:{index}", "memory": 64 + index,
                "command": ["echo", f"client-{index}", f"call-{sequence}"],
                "environment": [{"name": "CLIENT", "value": str(index)}, {"name": "CALL", "value": str(sequence)}],
            }]
            try:
                response = ecs.register_task_definition(family=family, containerDefinitions=containers)
            except (BotoCoreError, ClientError) as error:
                if not stop.is_set():
                    with lock:
                        errors.append(error)
                return
            definition = response["taskDefinition"]
            assert definition["family"] == family
            with lock:
                acknowledged.append((family, definition["revision"], containers))

    threads = [threading.Thread(target=burst, args=(index, ecs), daemon=True) for index, ecs in enumerate(clients)]
    for thread in threads:
        thread.start()
    # Kill while the clients are busy: after a second, or once 150 are acknowledged, but
    # never before a dozen are (a busy machine may take longer to get there).
    started = time.monotonic()
    while not errors and len(acknowledged) < 150 and (
            time.monotonic() < started + 1.0 or (len(acknowledged) < 12 and time.monotonic() < started + 60)):
        time.sleep(0.01)
    assert not errors, f"calls failed before the kill: {errors[:3]}"
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert server.process.returncode == -9
    with lock:
        acked = list(acknowledged)
    assert len(acked) >= 12, f"only {len(acked)} registrations were acknowledged before the kill"

    # No two acknowledgements name the same revision.
    keys = [(family, revision) for family, revision, _ in acked]
    assert len(keys) == len(set(keys)), "a revision was acknowledged twice"

    restarted = make_server(data_dir=server.data_dir)
    ecs = restarted.boto3()
    region = restarted.env.get("AWS_DEFAULT_REGION", "us-east-1")
    for family in FAMILIES:
        arns = all_revisions(ecs, family)
        revisions = [int(arn.rsplit(":", 1)[1]) for arn in arns]
        assert revisions == list(range(1, len(revisions) + 1)), f"{family}: revisions {revisions}"
        acked_here = [revision for f, revision, _ in acked if f == family]
        assert acked_here, f"no acknowledged registration of {family}"
        assert max(acked_here) <= len(revisions), f"{family}: acknowledged revision {max(acked_here)} is gone"
        assert arns == [f"arn:aws:ecs:{region}:000000000000:task-definition/{family}:{n}"
                        for n in range(1, len(arns) + 1)]
        # Each stored revision holds one request: no revision holds a copy of another.
        commands = [tuple(ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
                          ["containerDefinitions"][0]["command"]) for arn in arns]
        assert len(commands) == len(set(commands)), f"{family}: a registration was stored twice"

    for family, revision, containers in acked:
        definition = ecs.describe_task_definition(taskDefinition=f"{family}:{revision}")["taskDefinition"]
        assert definition["status"] == "ACTIVE"
        [sent] = containers
        [stored] = definition["containerDefinitions"]
        for member, value in sent.items():
            assert stored[member] == value, (family, revision, member, stored[member], value)

    for family in FAMILIES:
        count = len(all_revisions(ecs, family))
        again = ecs.register_task_definition(
            family=family, containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64}])
        assert again["taskDefinition"]["revision"] == count + 1
    assert_check_clean(restarted.data_dir)


def log_problems(text):
    """Log lines at error or critical level (the log format is `<time> <level> <label>: ...`)."""
    return [line for line in text.splitlines() if re.match(r"^\S+\s+(error|critical)\b", line)]


def test_sigterm_exits_cleanly(server, make_server):
    ecs = server.boto3()
    ecs.create_cluster(clusterName="before-sigterm")
    ecs.register_task_definition(
        family="before-sigterm", containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64}])
    ecs.describe_clusters(clusters=["ghost"])  # a MISSING failure is not a server error
    assert server.stop() == 0
    with open(server.log_path) as log:
        text = log.read()
    assert not log_problems(text), text
    # And the data is all there after the clean stop.
    again = make_server(data_dir=server.data_dir).boto3()
    assert again.list_clusters()["clusterArns"] == ["arn:aws:ecs:us-east-1:000000000000:cluster/before-sigterm"]
    assert again.describe_task_definition(taskDefinition="before-sigterm")["taskDefinition"]["revision"] == 1
    assert_check_clean(server.data_dir)


@pytest.mark.parametrize("executor", ["nio", "swift"])
def test_either_executor_serves_and_stops_cleanly(make_server, executor):
    """`--executor nio` (the default: Swift concurrency on SwiftNIO's event loops) and
    `--executor swift` serve the same API and stop cleanly on SIGTERM."""
    server = make_server(extra_args=["--executor", executor])
    ecs = server.boto3()
    ecs.create_cluster(clusterName=f"on-{executor}")
    registered = ecs.register_task_definition(
        family=f"on-{executor}", containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64}])
    assert registered["taskDefinition"]["revision"] == 1
    described = ecs.describe_task_definition(taskDefinition=f"on-{executor}")["taskDefinition"]
    assert described["containerDefinitions"] == registered["taskDefinition"]["containerDefinitions"]
    assert server.stop() == 0
    with open(server.log_path) as log:
        text = log.read()
    assert not log_problems(text), text
    assert ("Swift concurrency runs on SwiftNIO's event loops" in text) == (executor == "nio"), text


def test_sigterm_while_clients_are_busy_exits_cleanly(server):
    clients = [server.boto3(connect_timeout=5, read_timeout=10) for _ in range(3)]
    stop = threading.Event()
    done = []

    def busy(ecs):
        while not stop.is_set():
            try:
                ecs.list_clusters()
                done.append(1)
            except (BotoCoreError, ClientError):
                return

    threads = [threading.Thread(target=busy, args=(ecs,), daemon=True) for ecs in clients]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(done) < 30 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(done) >= 30, "the clients did not get going"
    code = server.stop()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert code == 0
    with open(server.log_path) as log:
        text = log.read()
    assert not log_problems(text), text
