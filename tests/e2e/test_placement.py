"""Task placement against a fleet of simulated agents: strategies, constraints, the
cluster query language, failures and partial placement, attributes, and concurrent
RunTask calls. Simulated agents run tasks without containers (they stay RUNNING until
stopped), so a dozen instances over three zones cost nothing."""
import collections
import json
import threading
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import wait_for

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
# Four sizes of instance, one of each per zone: 12 instances.
SIZES = [
    ("m5.xlarge", 4096, 8192, ["stack=prod", "disk=ssd"]),
    ("c5.large", 2048, 4096, ["stack=prod"]),
    ("t3.small", 1024, 2048, ["stack=dev"]),
    ("t3.micro", 1024, 1024, []),
]


def build_fleet(server, make_agent):
    cluster = f"fleet-{uuid.uuid4().hex[:8]}"
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    for instance_type, cpu, memory, attributes in SIZES:
        args = ["--runtime", "simulated", "--count", "3", "--instance-type", instance_type,
                "--cpu", str(cpu), "--memory", str(memory)]
        for zone in ZONES:
            args += ["--availability-zone", zone]
        for attribute in attributes:
            args += ["--attribute", attribute]
        make_agent(server, cluster, args)
    ecs = server.boto3()
    arns = wait_for("12 instances", lambda: (lambda a: a if len(a) == 12 else None)(
        ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]))
    described = ecs.describe_container_instances(cluster=cluster, containerInstances=arns)["containerInstances"]
    instances = {}
    for instance in described:
        attributes = {a["name"]: a.get("value") for a in instance["attributes"]}
        instances[instance["containerInstanceArn"]] = attributes
    return cluster, ecs, instances


@pytest.fixture
def fleet(server, make_agent):
    return build_fleet(server, make_agent)


def register(ecs, family, memory=128, cpu=64, **extra):
    ecs.register_task_definition(family=family, containerDefinitions=[
        {"name": "app", "image": "admiral-test/busybox", "memory": memory, "cpu": cpu}], **extra)


def placements(tasks, instances, key="ecs.availability-zone"):
    return collections.Counter(instances[t["containerInstanceArn"]][key] for t in tasks)


def per_instance(tasks):
    return collections.Counter(t["containerInstanceArn"] for t in tasks)


def test_az_balanced_spread(fleet):
    cluster, ecs, instances = fleet
    register(ecs, "spread")
    strategy = [{"type": "spread", "field": "attribute:ecs.availability-zone"},
                {"type": "spread", "field": "instanceId"}]
    tasks = ecs.run_task(cluster=cluster, taskDefinition="spread", count=6, placementStrategy=strategy)["tasks"]
    assert placements(tasks, instances) == {zone: 2 for zone in ZONES}
    assert max(per_instance(tasks).values()) == 1
    more = ecs.run_task(cluster=cluster, taskDefinition="spread", count=9, placementStrategy=strategy)["tasks"]
    assert placements(tasks + more, instances) == {zone: 5 for zone in ZONES}
    # Spread over instances: 15 tasks on 12 instances leave no instance with more than 2.
    assert sorted(per_instance(tasks + more).values()) == [1] * 9 + [2] * 3


def test_az_balanced_binpack(fleet):
    cluster, ecs, instances = fleet
    register(ecs, "azpack", memory=256)
    strategy = [{"type": "spread", "field": "attribute:ecs.availability-zone"},
                {"type": "binpack", "field": "memory"}]
    tasks = ecs.run_task(cluster=cluster, taskDefinition="azpack", count=9, placementStrategy=strategy)["tasks"]
    assert placements(tasks, instances) == {zone: 3 for zone in ZONES}
    # Within each zone, all on the instance with the least memory (t3.micro, 1024 MiB).
    assert {instances[t["containerInstanceArn"]]["ecs.instance-type"] for t in tasks} == {"t3.micro"}
    assert len(per_instance(tasks)) == 3


def test_binpack_fills_the_fullest_instance_first(fleet):
    cluster, ecs, instances = fleet
    register(ecs, "pack", memory=512)
    tasks = ecs.run_task(cluster=cluster, taskDefinition="pack", count=4,
                         placementStrategy=[{"type": "binpack", "field": "memory"}])["tasks"]
    # Two 512 MiB tasks fill one t3.micro; binpack never opens a second instance while a
    # used one still fits, so four tasks use exactly two t3.micro instances.
    assert sorted(per_instance(tasks).values()) == [2, 2]
    assert {instances[t["containerInstanceArn"]]["ecs.instance-type"] for t in tasks} == {"t3.micro"}
    described = ecs.describe_container_instances(
        cluster=cluster, containerInstances=list(per_instance(tasks)))["containerInstances"]
    for instance in described:
        memory = next(r for r in instance["remainingResources"] if r["name"] == "MEMORY")["integerValue"]
        assert memory == 0


def test_one_task_per_host(fleet):
    cluster, ecs, instances = fleet
    register(ecs, "daemonish")
    constraint = [{"type": "distinctInstance"}]
    first = ecs.run_task(cluster=cluster, taskDefinition="daemonish", count=10, placementConstraints=constraint)
    assert len(first["tasks"]) == 10 and len(per_instance(first["tasks"])) == 10
    second = ecs.run_task(cluster=cluster, taskDefinition="daemonish", count=10, placementConstraints=constraint)
    assert len(second["tasks"]) == 2
    assert len(per_instance(first["tasks"] + second["tasks"])) == 12
    assert {f["reason"] for f in second["failures"]} == {"DistinctInstance"}


def test_custom_strategy_and_constraints_with_the_cluster_query_language(server, fleet):
    cluster, ecs, instances = fleet
    register(ecs, "custom")
    expression = "attribute:stack == prod and attribute:ecs.availability-zone in [us-east-1a, us-east-1b]"
    # Through the real aws CLI.
    result = server.aws(
        "ecs", "run-task", "--cluster", cluster, "--task-definition", "custom", "--count", "8",
        "--placement-constraints", json.dumps([{"type": "memberOf", "expression": expression}]),
        "--placement-strategy", "type=spread,field=attribute:ecs.availability-zone",
        "type=binpack,field=cpu")
    tasks = result["tasks"]
    assert len(tasks) == 8
    chosen = {t["containerInstanceArn"] for t in tasks}
    for arn in chosen:
        assert instances[arn]["stack"] == "prod"
        assert instances[arn]["ecs.availability-zone"] in ("us-east-1a", "us-east-1b")
    assert placements(tasks, instances) == {"us-east-1a": 4, "us-east-1b": 4}
    # binpack on cpu within each zone: the c5.large (2048) before the m5.xlarge (4096).
    assert {instances[a]["ecs.instance-type"] for a in chosen} == {"c5.large"}

    for expression, allowed in [
        ("attribute:ecs.instance-type =~ t3.*", {"t3.small", "t3.micro"}),
        ("not(attribute:stack exists)", {"t3.micro"}),
        ("attribute:ecs.instance-type != m5.xlarge && attribute:disk !exists && attribute:stack != dev",
         {"c5.large", "t3.micro"}),
        ("attribute:ecs.instance-type in [t3.*, c5.large]", {"t3.small", "t3.micro", "c5.large"}),
        ("agentConnected == true and runningTasksCount < 100", {"m5.xlarge", "c5.large", "t3.small", "t3.micro"}),
    ]:
        tasks = ecs.run_task(cluster=cluster, taskDefinition="custom", count=6,
                             placementConstraints=[{"type": "memberOf", "expression": expression}])["tasks"]
        assert len(tasks) == 6, expression
        assert {instances[t["containerInstanceArn"]]["ecs.instance-type"] for t in tasks} <= allowed, expression


def test_task_group_constraints_follow_other_tasks(fleet):
    cluster, ecs, instances = fleet
    register(ecs, "database")
    register(ecs, "cache")
    db = ecs.run_task(cluster=cluster, taskDefinition="database", count=2, group="databases",
                      placementConstraints=[{"type": "memberOf", "expression": "attribute:ecs.instance-type == m5.xlarge"}])
    db_hosts = set(per_instance(db["tasks"]))
    caches = ecs.run_task(cluster=cluster, taskDefinition="cache", count=4,
                          placementConstraints=[{"type": "memberOf", "expression": "task:group == databases"}])
    assert len(caches["tasks"]) == 4
    assert set(per_instance(caches["tasks"])) <= db_hosts
    away = ecs.run_task(cluster=cluster, taskDefinition="cache", count=10, group="away",
                        placementConstraints=[{"type": "memberOf", "expression": "not(task:group == databases)"}])
    assert not set(per_instance(away["tasks"])) & db_hosts


def test_malformed_expressions_and_strategies_are_refused(server, fleet):
    cluster, ecs, instances = fleet
    register(ecs, "bad")
    for expression in ["attribute:stack ==", "attribute:stack === prod", "(attribute:stack == prod",
                       "attribute:stack in [a, b", "attribute:x =~ ("]:
        with pytest.raises(ClientError) as raised:
            ecs.run_task(cluster=cluster, taskDefinition="bad",
                         placementConstraints=[{"type": "memberOf", "expression": expression}])
        error = raised.value.response["Error"]
        assert error["Code"] == "InvalidParameterException", expression
        assert error["Message"], expression
    result = server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", "bad",
                        "--placement-constraints", "type=memberOf,expression=attribute:stack === prod", check=False)
    assert result.returncode != 0 and "InvalidParameterException" in result.stderr
    with pytest.raises(ClientError) as raised:
        ecs.run_task(cluster=cluster, taskDefinition="bad", placementStrategy=[{"type": "binpack", "field": "disk"}])
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError):
        ecs.run_task(cluster=cluster, taskDefinition="bad", placementStrategy=[{"type": "random"}] * 6)
    # Nothing was placed by the refused calls.
    assert ecs.list_tasks(cluster=cluster)["taskArns"] == []


def test_failures_and_partial_placement(fleet):
    cluster, ecs, instances = fleet
    register(ecs, "big", memory=5000)
    result = ecs.run_task(cluster=cluster, taskDefinition="big", count=5)
    # Only the three m5.xlarge (8192 MiB) take a 5000 MiB task, one each.
    assert len(result["tasks"]) == 3
    assert {instances[t["containerInstanceArn"]]["ecs.instance-type"] for t in result["tasks"]} == {"m5.xlarge"}
    assert result["failures"] and {f["reason"] for f in result["failures"]} == {"RESOURCE:MEMORY"}
    assert all(f["arn"].startswith("arn:aws:ecs:") and "container-instance/" in f["arn"] for f in result["failures"])

    register(ecs, "cpu-hog", memory=64, cpu=3000)
    result = ecs.run_task(cluster=cluster, taskDefinition="cpu-hog", count=4)
    assert len(result["tasks"]) == 3
    assert {f["reason"] for f in result["failures"]} <= {"RESOURCE:CPU", "RESOURCE:MEMORY"}
    assert "RESOURCE:CPU" in {f["reason"] for f in result["failures"]}

    ecs.register_task_definition(family="port", networkMode="host", containerDefinitions=[
        {"name": "app", "image": "admiral-test/busybox", "memory": 16, "portMappings": [{"containerPort": 9000}]}])
    result = ecs.run_task(cluster=cluster, taskDefinition="port", count=10)
    placed = result["tasks"]
    more = ecs.run_task(cluster=cluster, taskDefinition="port", count=10)
    assert len(placed) + len(more["tasks"]) == 12
    assert "RESOURCE:PORTS" in {f["reason"] for f in more["failures"]}


def test_draining_instances_take_no_new_tasks(fleet):
    cluster, ecs, instances = fleet
    register(ecs, "drain")
    micro = [arn for arn, a in instances.items() if a["ecs.instance-type"] != "m5.xlarge"]
    ecs.update_container_instances_state(cluster=cluster, containerInstances=micro[:9], status="DRAINING")
    tasks = ecs.run_task(cluster=cluster, taskDefinition="drain", count=9)["tasks"]
    assert {instances[t["containerInstanceArn"]]["ecs.instance-type"] for t in tasks} == {"m5.xlarge"}
    listed = ecs.list_container_instances(cluster=cluster, status="DRAINING")["containerInstanceArns"]
    assert sorted(listed) == sorted(micro[:9])


def test_attributes_crud_and_query_filtered_instance_lists(server, fleet):
    cluster, ecs, instances = fleet
    target = next(arn for arn, a in instances.items() if a["ecs.instance-type"] == "t3.micro")
    server.aws("ecs", "put-attributes", "--cluster", cluster,
               "--attributes", f"name=gpu,value=none,targetId={target}", f"name=rack,value=r7,targetId={target}")
    listed = server.aws("ecs", "list-attributes", "--cluster", cluster, "--target-type", "container-instance",
                        "--attribute-name", "rack")["attributes"]
    assert listed == [{"name": "rack", "value": "r7", "targetType": "container-instance", "targetId": target}]
    by_value = ecs.list_attributes(cluster=cluster, targetType="container-instance", attributeName="stack",
                                   attributeValue="prod")["attributes"]
    assert len(by_value) == 6
    # Pagination walks every attribute once.
    seen, token = [], None
    while True:
        kwargs = {"cluster": cluster, "targetType": "container-instance", "maxResults": 7}
        if token:
            kwargs["nextToken"] = token
        page = ecs.list_attributes(**kwargs)
        seen.extend((a["targetId"], a["name"]) for a in page["attributes"])
        token = page.get("nextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) and (target, "rack") in seen

    filtered = server.aws("ecs", "list-container-instances", "--cluster", cluster,
                          "--filter", "attribute:rack == r7")["containerInstanceArns"]
    assert filtered == [target]
    prod_a = ecs.list_container_instances(
        cluster=cluster, filter="attribute:stack == prod and attribute:ecs.availability-zone == us-east-1a")
    assert len(prod_a["containerInstanceArns"]) == 2
    with pytest.raises(ClientError) as raised:
        ecs.list_container_instances(cluster=cluster, filter="attribute:stack = = prod")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"

    register(ecs, "rack")
    tasks = ecs.run_task(cluster=cluster, taskDefinition="rack", count=2,
                         placementConstraints=[{"type": "memberOf", "expression": "attribute:rack == r7"}])["tasks"]
    assert {t["containerInstanceArn"] for t in tasks} == {target}

    server.aws("ecs", "delete-attributes", "--cluster", cluster, "--attributes", f"name=rack,targetId={target}")
    assert ecs.list_attributes(cluster=cluster, targetType="container-instance",
                               attributeName="rack")["attributes"] == []

    with pytest.raises(ClientError) as raised:
        ecs.put_attributes(cluster=cluster, attributes=[
            {"name": "x", "value": "y", "targetId": "0123456789abcdef0123456789abcdef"}])
    assert raised.value.response["Error"]["Code"] == "TargetNotFoundException"
    with pytest.raises(ClientError) as raised:
        ecs.put_attributes(cluster=cluster, attributes=[
            {"name": f"a{n}", "value": "v", "targetId": target} for n in range(11)])
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as raised:
        ecs.put_attributes(cluster=cluster, attributes=[
            {"name": f"custom{n}", "value": "v", "targetId": target} for n in range(10)])
    assert raised.value.response["Error"]["Code"] == "AttributeLimitExceededException"
    assert ecs.list_attributes(cluster=cluster, targetType="container-instance",
                               attributeName="custom0")["attributes"] == []


def test_fifty_concurrent_run_task_calls_never_overbook(fleet):
    cluster, ecs, instances = fleet
    # 1 GiB tasks: capacity is 8 + 4 + 2 + 1 per zone = 45 tasks in all.
    register(ecs, "gig", memory=1024, cpu=0)
    results, lock = [], threading.Lock()

    def run():
        response = ecs.run_task(cluster=cluster, taskDefinition="gig", count=1)
        with lock:
            results.append(response)

    threads = [threading.Thread(target=run) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    placed = [t for r in results for t in r["tasks"]]
    assert len(placed) == 45
    assert sum(1 for r in results if not r["tasks"]) == 5
    described = ecs.describe_container_instances(cluster=cluster, containerInstances=list(instances))
    for instance in described["containerInstances"]:
        memory = next(r for r in instance["remainingResources"] if r["name"] == "MEMORY")["integerValue"]
        assert memory == 0


def test_stopped_tasks_are_forgotten_after_the_retention(make_server, make_agent):
    server = make_server(extra_args=["--stopped-task-retention", "2"])
    ecs = server.boto3()
    cluster = f"retain-{uuid.uuid4().hex[:8]}"
    ecs.create_cluster(clusterName=cluster)
    make_agent(server, cluster, ["--runtime", "simulated"]).arn()
    register(ecs, "brief")
    arn = ecs.run_task(cluster=cluster, taskDefinition="brief")["tasks"][0]["taskArn"]
    wait_for("RUNNING", lambda: ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]["lastStatus"] == "RUNNING")
    ecs.stop_task(cluster=cluster, task=arn)
    wait_for("STOPPED", lambda: ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED")
    assert ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"] == [arn]
    gone = wait_for("forgotten", lambda: (lambda r: r if r["failures"] else None)(
        ecs.describe_tasks(cluster=cluster, tasks=[arn])))
    assert gone["failures"] == [{"arn": arn, "reason": "MISSING"}]
    assert ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"] == []
