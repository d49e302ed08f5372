"""Task definitions end to end: RegisterTaskDefinition with every member the aws CLI's
skeleton offers, revisions, listing, deregistration, deletion and validation."""
import copy
import json
import os

import pytest

import wire
from wire import client_error, error_code

ACCOUNT = "000000000000"

# Members ECS computes and adds to the stored task definition; everything else must
# come back as it was sent.
COMPUTED_MEMBERS = {
    "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
    "registeredAt", "registeredBy",
}

# Skeleton members that cannot apply to an EC2 task in bridge mode on Linux, each with why.
NOT_FOR_EC2_BRIDGE = {
    "ephemeralStorage": "Fargate only; ECS rejects it for EC2",
    "inferenceAccelerators": "Elastic Inference accelerators are retired",
    "volumes[].fsxWindowsFileServerVolumeConfiguration": "Windows containers only",
    "volumes[].s3filesVolumeConfiguration": "S3 Files volumes are not supported on the EC2 launch type",
}


def region(server):
    return server.env.get("AWS_DEFAULT_REGION", "us-east-1")


def td_arn(server, family, revision):
    return f"arn:aws:ecs:{region(server)}:{ACCOUNT}:task-definition/{family}:{revision}"


def container(name="app", **members):
    definition = {"name": name, "image": "busybox:1.36", "memory": 64}
    definition.update(members)
    return definition


def register(ecs, family, containers=None, **members):
    return ecs.register_task_definition(
        family=family, containerDefinitions=containers or [container()], **members)["taskDefinition"]


def full_task_definition(family):
    """A task definition for an EC2 task in bridge mode with every member the skeleton
    offers filled in with a realistic value (the main container carries every container
    member; the second one is what links, dependsOn, volumesFrom and the proxy name)."""
    web = {
        "name": "web",
        "image": "registry.example.com/platform/web:1.4.2",
        "repositoryCredentials": {
            "credentialsParameter": "arn:aws:secretsmanager:us-east-1:000000000000:secret:registry-creds-AbCdEf",
        },
        "cpu": 512,
        "memory": 1024,
        "memoryReservation": 512,
        "links": ["envoy:mesh"],
        "portMappings": [
            {"containerPort": 8080, "hostPort": 8080, "protocol": "tcp", "name": "web-http", "appProtocol": "http"},
            {"containerPort": 8443, "hostPort": 0, "protocol": "tcp", "name": "web-grpc", "appProtocol": "grpc"},
            {"containerPortRange": "9000-9010", "protocol": "udp"},
        ],
        "essential": True,
        "restartPolicy": {"enabled": True, "ignoredExitCodes": [0, 143], "restartAttemptPeriod": 180},
        "entryPoint": ["/bin/sh", "-c"],
        "command": ["exec httpd -f -p 8080 -h /srv/www"],
        "environment": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "PORT", "value": "8080"}],
        "environmentFiles": [{"value": "arn:aws:s3:::example-config/web.env", "type": "s3"}],
        "mountPoints": [
            {"sourceVolume": "data", "containerPath": "/srv/data", "readOnly": False},
            {"sourceVolume": "cache", "containerPath": "/var/cache/web", "readOnly": False},
            {"sourceVolume": "shared", "containerPath": "/srv/shared", "readOnly": True},
            {"sourceVolume": "scratch", "containerPath": "/scratch", "readOnly": False},
        ],
        "volumesFrom": [{"sourceContainer": "envoy", "readOnly": True}],
        "linuxParameters": {
            "capabilities": {"add": ["NET_ADMIN", "SYS_PTRACE"], "drop": ["MKNOD"]},
            "devices": [{"hostPath": "/dev/fuse", "containerPath": "/dev/fuse", "permissions": ["read", "write"]}],
            "initProcessEnabled": True,
            "sharedMemorySize": 128,
            "tmpfs": [{"containerPath": "/run/web", "size": 64, "mountOptions": ["rw", "noexec", "nosuid"]}],
            "maxSwap": 1024,
            "swappiness": 10,
        },
        "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/web/db-password"}],
        "dependsOn": [{"containerName": "envoy", "condition": "HEALTHY"}],
        "startTimeout": 120,
        "stopTimeout": 60,
        "versionConsistency": "disabled",
        "hostname": "web",
        "user": "1000:1000",
        "workingDirectory": "/srv/www",
        "disableNetworking": False,
        "privileged": False,
        "readonlyRootFilesystem": True,
        "dnsServers": ["10.0.0.2", "1.1.1.1"],
        "dnsSearchDomains": ["svc.internal"],
        "extraHosts": [{"hostname": "db.internal", "ipAddress": "10.0.12.7"}],
        "dockerSecurityOptions": ["no-new-privileges"],
        "interactive": True,
        "pseudoTerminal": False,
        "dockerLabels": {"com.example.team": "platform", "com.example.tier": "frontend"},
        "ulimits": [
            {"name": "nofile", "softLimit": 65536, "hardLimit": 65536},
            {"name": "core", "softLimit": 0, "hardLimit": 0},
        ],
        "logConfiguration": {
            "logDriver": "splunk",
            "options": {"splunk-url": "https://splunk.example.com:8088", "splunk-source": "web"},
            "secretOptions": [{"name": "splunk-token", "valueFrom": "arn:aws:secretsmanager:us-east-1:000000000000:secret:splunk-token-XyZ123"}],
        },
        "healthCheck": {
            "command": ["CMD-SHELL", "wget -q -O /dev/null http://localhost:8080/health || exit 1"],
            "interval": 30,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 15,
        },
        "systemControls": [{"namespace": "net.core.somaxconn", "value": "4096"}],
        "resourceRequirements": [{"value": "1", "type": "GPU"}],
        "firelensConfiguration": {"type": "fluentbit", "options": {"enable-ecs-log-metadata": "true"}},
        "credentialSpecs": ["credentialspecdomainless:arn:aws:s3:::example-gmsa/web-credspec.json"],
    }
    envoy = {
        "name": "envoy",
        "image": "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod",
        "cpu": 256,
        "memory": 256,
        "essential": True,
        "user": "1337",
        "portMappings": [{"containerPort": 9901, "hostPort": 0, "protocol": "tcp"}],
        "healthCheck": {
            "command": ["CMD-SHELL", "curl -s http://localhost:9901/server_info | grep state | grep -q LIVE"],
            "interval": 5,
            "timeout": 2,
            "retries": 3,
            "startPeriod": 10,
        },
    }
    return {
        "family": family,
        "taskRoleArn": "arn:aws:iam::000000000000:role/web-task",
        "executionRoleArn": "arn:aws:iam::000000000000:role/ecsTaskExecutionRole",
        "networkMode": "bridge",
        "containerDefinitions": [web, envoy],
        "volumes": [
            {"name": "data", "host": {"sourcePath": "/srv/data"}, "configuredAtLaunch": False},
            {
                "name": "cache",
                "dockerVolumeConfiguration": {
                    "scope": "shared",
                    "autoprovision": True,
                    "driver": "local",
                    "driverOpts": {"type": "tmpfs", "device": "tmpfs", "o": "size=100m"},
                    "labels": {"com.example.volume": "cache"},
                },
                "configuredAtLaunch": False,
            },
            {
                "name": "shared",
                "efsVolumeConfiguration": {
                    "fileSystemId": "fs-0123456789abcdef0",
                    "rootDirectory": "/",
                    "transitEncryption": "ENABLED",
                    "transitEncryptionPort": 2049,
                    "authorizationConfig": {"accessPointId": "fsap-0123456789abcdef0", "iam": "ENABLED"},
                },
                "configuredAtLaunch": False,
            },
            {"name": "scratch", "configuredAtLaunch": True},
        ],
        "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ g4dn.*"}],
        "requiresCompatibilities": ["EC2"],
        "cpu": "1 vCPU",
        "memory": "2 GB",
        "tags": [{"key": "team", "value": "platform"}, {"key": "cost-center", "value": "4711"}],
        "pidMode": "task",
        "ipcMode": "task",
        "proxyConfiguration": {
            "type": "APPMESH",
            "containerName": "envoy",
            "properties": [
                {"name": "IgnoredUID", "value": "1337"},
                {"name": "ProxyIngressPort", "value": "15000"},
                {"name": "ProxyEgressPort", "value": "15001"},
                {"name": "AppPorts", "value": "8080"},
                {"name": "EgressIgnoredIPs", "value": "169.254.170.2,169.254.169.254"},
            ],
        },
        "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
        "enableFaultInjection": True,
    }


def member_paths(value, prefix=""):
    """Every member path in a JSON document (`a.b`, lists as `a[].b`); maps (the skeleton
    shows them as {"KeyName": ""}) count as one member."""
    paths = set()
    if isinstance(value, dict):
        if set(value) == {"KeyName"}:
            return paths
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            if not path.endswith(("dockerLabels", "options", "driverOpts", "labels")):
                paths |= member_paths(child, path)
    elif isinstance(value, list):
        for child in value:
            paths |= member_paths(child, prefix + "[]")
    return paths


def assert_sent_comes_back(sent, got, path="taskDefinition"):
    """Every member of `sent` is in `got` with the same value (dicts member by member,
    lists element by element)."""
    if isinstance(sent, dict):
        assert isinstance(got, dict), f"{path}: sent an object, got {got!r}"
        for key, value in sent.items():
            assert key in got, f"{path}.{key} was sent ({value!r}) but is missing from the response"
            assert_sent_comes_back(value, got[key], f"{path}.{key}")
    elif isinstance(sent, list):
        assert isinstance(got, list) and len(got) == len(sent), f"{path}: sent {sent!r}, got {got!r}"
        for index, (a, b) in enumerate(zip(sent, got)):
            assert_sent_comes_back(a, b, f"{path}[{index}]")
    else:
        assert type(got) is type(sent) and got == sent, f"{path}: sent {sent!r}, got {got!r}"


def test_register_every_skeleton_member_and_describe_it_back(server, tmp_path):
    skeleton = server.aws("ecs", "register-task-definition", "--generate-cli-skeleton")
    request = full_task_definition("full-web")

    # The request fills every member the skeleton shows, except those that cannot apply.
    missing = {
        path for path in member_paths(skeleton) - member_paths(request)
        if not any(path == skip or path.startswith((skip + ".", skip + "[]")) for skip in NOT_FOR_EC2_BRIDGE)
    }
    assert not missing, f"members of the skeleton left unfilled: {sorted(missing)}"
    unknown = member_paths(request) - member_paths(skeleton)
    assert not unknown, f"members the skeleton does not know: {sorted(unknown)}"

    input_file = tmp_path / "task-definition.json"
    input_file.write_text(json.dumps(request))
    registered = server.aws(
        "ecs", "register-task-definition", "--cli-input-json", f"file://{input_file}")
    described = server.aws(
        "ecs", "describe-task-definition", "--task-definition", "full-web", "--include", "TAGS")

    expected = copy.deepcopy(request)
    tags = expected.pop("tags")
    # ECS's documented normalisation: task cpu and memory come back as unit counts.
    expected["cpu"] = "1024"
    expected["memory"] = "2048"

    for response in (registered, described):
        definition = response["taskDefinition"]
        assert response["tags"] == tags
        assert_sent_comes_back(expected, definition)
        extra = set(definition) - set(expected)
        assert extra <= COMPUTED_MEMBERS, f"unexpected members: {sorted(extra - COMPUTED_MEMBERS)}"
        for index, sent in enumerate(expected["containerDefinitions"]):
            got = definition["containerDefinitions"][index]
            # The second container leaves members out; ECS fills defaults for those only.
            extra = set(got) - set(sent)
            if index == 0:
                assert not extra, f"web container grew members: {sorted(extra)}"
        assert definition["taskDefinitionArn"] == td_arn(server, "full-web", 1)
        assert definition["revision"] == 1
        assert definition["status"] == "ACTIVE"
        assert "EC2" in definition["compatibilities"]
        assert definition["registeredBy"].startswith(f"arn:aws:iam::{ACCOUNT}:")
        attributes = {attribute["name"] for attribute in definition["requiresAttributes"]}
        assert "com.amazonaws.ecs.capability.docker-remote-api.1.19" in attributes  # ulimits
        assert "com.amazonaws.ecs.capability.task-iam-role" in attributes
        assert "ecs.capability.efsAuth" in attributes
        assert "com.amazonaws.ecs.capability.logging-driver.splunk" in attributes
    assert described["taskDefinition"] == registered["taskDefinition"]
    assert not server.boto3().describe_task_definition(taskDefinition="full-web").get("tags")


def test_register_fills_in_ecs_defaults(server):
    ecs = server.boto3()
    definition = register(ecs, "minimal", [{"name": "app", "image": "busybox", "memory": 32,
                                            "portMappings": [{"containerPort": 80}]}])
    [app] = definition["containerDefinitions"]
    assert app["cpu"] == 0
    assert app["essential"] is True
    assert app["portMappings"] == [{"containerPort": 80, "protocol": "tcp"}] or \
        app["portMappings"] == [{"containerPort": 80, "hostPort": 0, "protocol": "tcp"}]
    for member in ("environment", "mountPoints", "volumesFrom"):
        assert app[member] == [], member
    assert definition["volumes"] == []
    assert definition["placementConstraints"] == []
    assert definition["status"] == "ACTIVE"
    assert definition["revision"] == 1
    assert "EC2" in definition["compatibilities"]
    assert "networkMode" not in definition or definition["networkMode"] == "bridge"


def test_revisions_count_up_and_describe_finds_each(server):
    ecs = server.boto3()
    arns = [register(ecs, "web", [container(command=[f"v{n}"])])["taskDefinitionArn"] for n in (1, 2, 3)]
    assert arns == [td_arn(server, "web", n) for n in (1, 2, 3)]
    latest = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    assert latest["revision"] == 3
    assert latest["containerDefinitions"][0]["command"] == ["v3"]
    second = ecs.describe_task_definition(taskDefinition="web:2")["taskDefinition"]
    assert second["revision"] == 2 and second["containerDefinitions"][0]["command"] == ["v2"]
    first = ecs.describe_task_definition(taskDefinition=td_arn(server, "web", 1))["taskDefinition"]
    assert first["revision"] == 1 and first["containerDefinitions"][0]["command"] == ["v1"]
    assert first["family"] == "web"


def test_describe_unknown_task_definition_is_a_client_exception(server):
    ecs = server.boto3()
    register(ecs, "web")
    for reference in ("nope", "web:2", td_arn(server, "nope", 1)):
        assert error_code(ecs.describe_task_definition, taskDefinition=reference) == "ClientException", reference


def register_families(ecs):
    for family in ("web", "webapp", "api"):
        for _ in range(2):
            register(ecs, family)
    ecs.deregister_task_definition(taskDefinition="web:1")


def test_list_task_definitions_sorts_by_family_then_revision(server):
    ecs = server.boto3()
    register_families(ecs)
    everything = ecs.list_task_definitions()["taskDefinitionArns"]
    assert everything == [td_arn(server, "api", 1), td_arn(server, "api", 2), td_arn(server, "web", 2),
                          td_arn(server, "webapp", 1), td_arn(server, "webapp", 2)]
    assert ecs.list_task_definitions(status="ACTIVE", sort="ASC")["taskDefinitionArns"] == everything
    assert ecs.list_task_definitions(sort="DESC")["taskDefinitionArns"] == list(reversed(everything))
    assert ecs.list_task_definitions(status="INACTIVE")["taskDefinitionArns"] == [td_arn(server, "web", 1)]


def test_list_task_definitions_family_prefix_is_the_whole_family(server):
    # botocore's model: "The full family name to filter the ListTaskDefinitions results with."
    ecs = server.boto3()
    register_families(ecs)
    assert ecs.list_task_definitions(familyPrefix="webapp", sort="DESC")["taskDefinitionArns"] == \
        [td_arn(server, "webapp", 2), td_arn(server, "webapp", 1)]
    assert ecs.list_task_definitions(familyPrefix="web")["taskDefinitionArns"] == [td_arn(server, "web", 2)]
    assert ecs.list_task_definitions(familyPrefix="web", status="INACTIVE")["taskDefinitionArns"] == \
        [td_arn(server, "web", 1)]
    assert ecs.list_task_definitions(familyPrefix="we")["taskDefinitionArns"] == []


def test_list_task_definitions_pagination(server):
    ecs = server.boto3()
    for _ in range(7):
        register(ecs, "paged")
    register(ecs, "other")
    for sort in ("ASC", "DESC"):
        seen = []
        token = None
        while True:
            kwargs = {"familyPrefix": "paged", "maxResults": 2, "sort": sort}
            if token:
                kwargs["nextToken"] = token
            page = ecs.list_task_definitions(**kwargs)
            assert len(page["taskDefinitionArns"]) <= 2
            seen.extend(page["taskDefinitionArns"])
            token = page.get("nextToken")
            if not token:
                break
            assert len(seen) <= 8, "pagination does not end"
        expected = [td_arn(server, "paged", n) for n in range(1, 8)]
        assert seen == (expected if sort == "ASC" else expected[::-1])
    assert error_code(ecs.list_task_definitions, nextToken="garbage") == "InvalidParameterException"
    assert error_code(ecs.list_task_definitions, maxResults=0) == "InvalidParameterException"
    assert error_code(ecs.list_task_definitions, maxResults=101) == "InvalidParameterException"


def test_list_task_definitions_pagination_with_the_aws_cli(server):
    ecs = server.boto3()
    for _ in range(7):
        register(ecs, "paged")
    listed = server.aws("ecs", "list-task-definitions", "--family-prefix", "paged", "--page-size", "2",
                        "--sort", "DESC")["taskDefinitionArns"]
    assert listed == [td_arn(server, "paged", n) for n in range(7, 0, -1)]


def test_list_task_definition_families(server):
    ecs = server.boto3()
    register(ecs, "alpha")
    register(ecs, "beta")
    ecs.deregister_task_definition(taskDefinition="beta:1")
    register(ecs, "gamma")
    register(ecs, "gamma")
    ecs.deregister_task_definition(taskDefinition="gamma:1")
    register(ecs, "alphabet")

    def families(**kwargs):
        return ecs.list_task_definition_families(**kwargs)["families"]

    assert families() == ["alpha", "alphabet", "beta", "gamma"]
    assert families(status="ALL") == ["alpha", "alphabet", "beta", "gamma"]
    assert families(status="ACTIVE") == ["alpha", "alphabet", "gamma"]
    assert families(status="INACTIVE") == ["beta"]
    assert families(familyPrefix="alpha") == ["alpha", "alphabet"]
    assert families(familyPrefix="alpha", status="ACTIVE") == ["alpha", "alphabet"]
    assert families(familyPrefix="zeta") == []

    seen = []
    token = None
    while True:
        kwargs = {"maxResults": 1}
        if token:
            kwargs["nextToken"] = token
        page = ecs.list_task_definition_families(**kwargs)
        assert len(page["families"]) <= 1
        seen.extend(page["families"])
        token = page.get("nextToken")
        if not token:
            break
        assert len(seen) <= 5
    assert seen == ["alpha", "alphabet", "beta", "gamma"]
    assert error_code(ecs.list_task_definition_families, nextToken="garbage") == "InvalidParameterException"
    assert error_code(ecs.list_task_definition_families, maxResults=101) == "InvalidParameterException"


def test_deregister_task_definition(server):
    ecs = server.boto3()
    register(ecs, "web", [container(command=["one"])])
    register(ecs, "web", [container(command=["two"])])
    deregistered = ecs.deregister_task_definition(taskDefinition="web:2")["taskDefinition"]
    assert deregistered["taskDefinitionArn"] == td_arn(server, "web", 2)
    assert deregistered["status"] == "INACTIVE"
    assert deregistered["deregisteredAt"] >= deregistered["registeredAt"]

    described = ecs.describe_task_definition(taskDefinition="web:2")["taskDefinition"]
    assert described["status"] == "INACTIVE"
    assert described["containerDefinitions"][0]["command"] == ["two"]
    assert "deregisteredAt" in described

    latest = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    assert latest["revision"] == 1 and latest["status"] == "ACTIVE"

    # Deregistering again is allowed and changes nothing.
    again = ecs.deregister_task_definition(taskDefinition=td_arn(server, "web", 2))["taskDefinition"]
    assert again["status"] == "INACTIVE"

    ecs.deregister_task_definition(taskDefinition="web:1")
    assert error_code(ecs.describe_task_definition, taskDefinition="web") == "ClientException"
    assert ecs.describe_task_definition(taskDefinition="web:1")["taskDefinition"]["status"] == "INACTIVE"
    # The next registration still counts on from the highest revision.
    assert register(ecs, "web")["revision"] == 3


def test_deregister_needs_a_revision_and_an_existing_one(server):
    ecs = server.boto3()
    register(ecs, "web")
    assert error_code(ecs.deregister_task_definition, taskDefinition="web:9") == "ClientException"
    assert error_code(ecs.deregister_task_definition, taskDefinition="web") in ("ClientException",
                                                                               "InvalidParameterException")
    assert ecs.describe_task_definition(taskDefinition="web:1")["taskDefinition"]["status"] == "ACTIVE"


def test_delete_task_definitions(server):
    ecs = server.boto3()
    register(ecs, "web")
    register(ecs, "web")
    ecs.deregister_task_definition(taskDefinition="web:1")
    response = ecs.delete_task_definitions(taskDefinitions=["web:1", "web:2"])
    [deleted] = response["taskDefinitions"]
    assert deleted["taskDefinitionArn"] == td_arn(server, "web", 1)
    assert deleted["status"] == "DELETE_IN_PROGRESS"
    assert "deleteRequestedAt" in deleted
    [failure] = response["failures"]
    assert failure["arn"] == td_arn(server, "web", 2)
    assert failure.get("reason")
    assert ecs.list_task_definitions(familyPrefix="web", status="INACTIVE")["taskDefinitionArns"] == []
    assert ecs.list_task_definitions(familyPrefix="web")["taskDefinitionArns"] == [td_arn(server, "web", 2)]
    assert ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]["revision"] == 2
    # The deleted revision number is never reused.
    assert register(ecs, "web")["revision"] == 3


def test_delete_task_definitions_reports_unknown_revisions(server):
    ecs = server.boto3()
    register(ecs, "web")
    ecs.deregister_task_definition(taskDefinition="web:1")
    assert error_code(ecs.delete_task_definitions, taskDefinitions=[f"web:{n}" for n in range(1, 12)]) == \
        "InvalidParameterException"
    assert ecs.describe_task_definition(taskDefinition="web:1")["taskDefinition"]["status"] == "INACTIVE"
    response = ecs.delete_task_definitions(taskDefinitions=["web:7"])
    assert response["taskDefinitions"] == []
    [failure] = response["failures"]
    assert failure["arn"] == td_arn(server, "web", 7)
    assert failure.get("reason")


# Validation: ECS answers ClientException for a task definition it refuses.

INVALID_REQUESTS = {
    "no_memory": dict(family="bad", containerDefinitions=[{"name": "app", "image": "busybox"}]),
    "reservation_over_limit": dict(family="bad", containerDefinitions=[
        container(memory=128, memoryReservation=256)]),
    "duplicate_container_names": dict(family="bad", containerDefinitions=[container("app"), container("app")]),
    "no_essential_container": dict(family="bad", containerDefinitions=[
        container("a", essential=False), container("b", essential=False)]),
    "eleven_containers": dict(family="bad", containerDefinitions=[container(f"c{n}") for n in range(11)]),
    "bad_family_name": dict(family="bad family!", containerDefinitions=[container()]),
    "family_too_long": dict(family="f" * 256, containerDefinitions=[container()]),
    "links_in_host_mode": dict(family="bad", networkMode="host", containerDefinitions=[
        container("a", links=["b"]), container("b")]),
    "depends_on_unknown_container": dict(family="bad", containerDefinitions=[
        container(dependsOn=[{"containerName": "ghost", "condition": "START"}])]),
    "container_port_out_of_range": dict(family="bad", containerDefinitions=[
        container(portMappings=[{"containerPort": 70000, "hostPort": 0}])]),
    "host_port_out_of_range": dict(family="bad", containerDefinitions=[
        container(portMappings=[{"containerPort": 80, "hostPort": 65536}])]),
    "no_containers": dict(family="bad", containerDefinitions=[]),
    "unknown_volume": dict(family="bad", containerDefinitions=[
        container(mountPoints=[{"sourceVolume": "ghost", "containerPath": "/data"}])]),
}


@pytest.mark.parametrize("case", sorted(INVALID_REQUESTS))
def test_register_rejects_invalid_task_definitions_with_client_exception(server, case):
    ecs = server.boto3()
    error = client_error(ecs.register_task_definition, **INVALID_REQUESTS[case])
    assert error.response["Error"]["Code"] == "ClientException", error.response["Error"]
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error.response["Error"]["Message"]
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []
    assert ecs.list_task_definition_families()["families"] == []


def test_register_rejects_a_member_of_the_wrong_type(server):
    payload = {"family": "typed", "containerDefinitions": [{"name": "app", "image": "busybox", "memory": "lots"}]}
    response = wire.call(server, "RegisterTaskDefinition", payload)
    assert response.status == 400
    assert response.error_code == "SerializationException", response
    assert server.boto3().list_task_definitions()["taskDefinitionArns"] == []


def test_register_without_family_is_invalid_parameter(server):
    payload = {"containerDefinitions": [{"name": "app", "image": "busybox", "memory": 64}]}
    response = wire.call(server, "RegisterTaskDefinition", payload)
    assert response.status == 400
    assert response.error_code == "InvalidParameterException", response
    assert server.boto3().list_task_definitions()["taskDefinitionArns"] == []


def test_register_accepts_a_task_without_container_memory_when_the_task_sets_it(server):
    ecs = server.boto3()
    definition = register(ecs, "sized", [{"name": "app", "image": "busybox"}], memory="512", cpu="256")
    assert definition["memory"] == "512" and definition["cpu"] == "256"
    assert "memory" not in definition["containerDefinitions"][0]


def test_task_definition_survives_a_restart(server, make_server):
    ecs = server.boto3()
    sent = full_task_definition("durable")
    tags = sent.pop("tags")
    first = ecs.register_task_definition(tags=tags, **sent)["taskDefinition"]
    assert server.stop() == 0
    again = make_server(data_dir=server.data_dir)
    response = again.boto3().describe_task_definition(taskDefinition="durable:1", include=["TAGS"])
    assert response["taskDefinition"] == first
    assert response["tags"] == tags
    assert os.path.isdir(server.data_dir)
