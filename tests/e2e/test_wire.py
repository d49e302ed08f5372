"""The AWS wire protocol as raw HTTP: SigV4 verification, awsJson 1.1 dispatch and errors,
the request size limit, request ids, and the --credentials file."""
import datetime
import json
import re
import socket
import textwrap
import time

import pytest

import wire

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method.")
TEN_MIB = 10 * 1024 * 1024
ACCOUNT = "000000000000"


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def assert_json_error(response, status, code):
    assert response.status == status, response
    assert response.header("x-amzn-RequestId"), response.headers
    body = response.json
    assert set(body) == {"__type", "message"}, body
    assert response.error_code == code, body
    assert isinstance(body["message"], str) and body["message"], body
    return body["message"]


def state(server):
    """What a rejected mutation must leave unchanged."""
    ecs = server.boto3()
    return (sorted(ecs.list_clusters()["clusterArns"]),
            sorted(ecs.list_task_definitions()["taskDefinitionArns"]),
            sorted(ecs.list_task_definition_families()["families"]))


def seed(server):
    ecs = server.boto3()
    ecs.create_cluster(clusterName="existing")
    ecs.register_task_definition(
        family="existing", containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64}])
    return state(server)


def test_signed_request_succeeds_with_a_request_id(server):
    response = wire.call(server, "ListClusters", {})
    assert response.status == 200
    assert response.header("Content-Type").startswith("application/x-amz-json-1.1")
    assert re.fullmatch(r"[0-9A-Za-z-]{16,}", response.header("x-amzn-RequestId"))
    assert response.json == {"clusterArns": []}


def test_missing_authorization_is_missing_authentication_token(server):
    response = wire.unsigned(server, "CreateCluster", {"clusterName": "anonymous"})
    assert 400 <= response.status < 500, response
    assert_json_error(response, response.status, "MissingAuthenticationTokenException")
    assert server.boto3().list_clusters()["clusterArns"] == []


@pytest.mark.parametrize("authorization", [
    "garbage",
    "AWS4-HMAC-SHA256",
    "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/ecs/aws4_request",
])
def test_garbage_authorization_is_incomplete_signature(server, authorization):
    response = wire.unsigned(server, "CreateCluster", {"clusterName": "garbage"},
                             headers={"Authorization": authorization, "X-Amz-Date": now().strftime("%Y%m%dT%H%M%SZ")})
    assert_json_error(response, 400, "IncompleteSignatureException")
    assert server.boto3().list_clusters()["clusterArns"] == []


def test_unknown_access_key_is_unrecognized_client(server):
    response = wire.call(server, "ListClusters", {}, access_key="AKIAUNKNOWNKEY000000", secret_key="whatever")
    assert_json_error(response, 400, "UnrecognizedClientException")


def test_wrong_secret_is_invalid_signature_and_changes_nothing(server):
    before = seed(server)
    response = wire.call(server, "CreateCluster", {"clusterName": "forged"}, secret_key="not-the-secret")
    message = assert_json_error(response, 400, "InvalidSignatureException")
    assert message.startswith(SIGNATURE_MISMATCH), message
    assert state(server) == before


def test_tampered_body_is_invalid_signature(server):
    before = seed(server)
    body = json.dumps({"clusterName": "honest"}).encode()
    headers = wire.signed_headers(server.endpoint, body, wire.ECS_TARGET_PREFIX + "CreateCluster",
                                  server.env["AWS_ACCESS_KEY_ID"], server.env["AWS_SECRET_ACCESS_KEY"])
    response = wire.send(server.endpoint, "POST", "/", body=json.dumps({"clusterName": "evil"}).encode(),
                         headers=headers)
    assert_json_error(response, 400, "InvalidSignatureException")
    assert state(server) == before


def test_signature_for_another_operation_is_invalid(server):
    before = seed(server)
    body = json.dumps({"cluster": "existing"}).encode()
    headers = wire.signed_headers(server.endpoint, body, wire.ECS_TARGET_PREFIX + "DescribeClusters",
                                  server.env["AWS_ACCESS_KEY_ID"], server.env["AWS_SECRET_ACCESS_KEY"])
    headers["X-Amz-Target"] = wire.ECS_TARGET_PREFIX + "DeleteCluster"
    response = wire.send(server.endpoint, "POST", "/", body=body, headers=headers)
    assert_json_error(response, 400, "InvalidSignatureException")
    assert state(server) == before


def test_signature_twenty_minutes_old_is_expired(server):
    before = seed(server)
    response = wire.call(server, "CreateCluster", {"clusterName": "late"},
                         at=now() - datetime.timedelta(minutes=20))
    message = assert_json_error(response, 400, "InvalidSignatureException")
    assert message.startswith("Signature expired:"), message
    assert "is now earlier than" in message and "15 min." in message, message
    assert state(server) == before


def test_signature_twenty_minutes_ahead_is_not_yet_current(server):
    before = seed(server)
    response = wire.call(server, "CreateCluster", {"clusterName": "early"},
                         at=now() + datetime.timedelta(minutes=20))
    message = assert_json_error(response, 400, "InvalidSignatureException")
    assert message.startswith("Signature not yet current:"), message
    assert "is still later than" in message and "15 min." in message, message
    assert state(server) == before


def test_signature_within_fifteen_minutes_is_accepted(server):
    for minutes in (-14, 14):
        name = f"skew{minutes + 20}"
        response = wire.call(server, "CreateCluster", {"clusterName": name},
                             at=now() + datetime.timedelta(minutes=minutes))
        assert response.status == 200, (minutes, response)
        assert response.json["cluster"]["clusterName"] == name
    assert len(server.boto3().list_clusters()["clusterArns"]) == 2


def test_signature_for_another_service_is_not_ecs(server):
    body = b"{}"
    headers = wire.signed_headers(server.endpoint, body, wire.ECS_TARGET_PREFIX + "ListClusters",
                                  server.env["AWS_ACCESS_KEY_ID"], server.env["AWS_SECRET_ACCESS_KEY"],
                                  service="sqs")
    response = wire.send(server.endpoint, "POST", "/", body=body, headers=headers)
    assert response.status == 400, response
    assert response.header("x-amzn-RequestId")
    assert set(response.json) == {"__type", "message"}, response


@pytest.mark.parametrize("target", [
    wire.ECS_TARGET_PREFIX + "LaunchRockets",
    "SomeOtherService20200101.ListClusters",
    wire.ECS_TARGET_PREFIX,
])
def test_unknown_target_is_unknown_operation(server, target):
    response = wire.call(server, "ignored", {}, target=target)
    assert_json_error(response, 400, "UnknownOperationException")


def test_malformed_json_is_serialization_exception(server):
    before = seed(server)
    for body in ('{"family": "broken", "containerDefinitions": [', "not json at all", "[1, 2, 3]", '"a string"'):
        response = wire.call(server, "RegisterTaskDefinition", body=body)
        assert_json_error(response, 400, "SerializationException")
    assert state(server) == before


def test_wrong_member_type_is_serialization_exception(server):
    before = seed(server)
    for payload in ({"clusterName": 42}, {"clusterName": ["a"]}, {"clusterName": "ok", "tags": {"k": "v"}}):
        response = wire.call(server, "CreateCluster", payload)
        assert_json_error(response, 400, "SerializationException")
    assert state(server) == before


def oversize_register_body():
    payload = {"family": "huge", "containerDefinitions": [
        {"name": "app", "image": "busybox", "memory": 64, "command": ["x" * (TEN_MIB + 16)]}]}
    return json.dumps(payload).encode()


def test_body_over_ten_mib_is_request_entity_too_large(server):
    before = seed(server)
    response = wire.call(server, "RegisterTaskDefinition", body=oversize_register_body())
    assert_json_error(response, 413, "RequestEntityTooLargeException")
    assert state(server) == before
    # The server is fine afterwards.
    assert wire.call(server, "ListClusters", {}).status == 200


def test_chunked_body_over_ten_mib_is_request_entity_too_large(server):
    before = seed(server)
    body = oversize_register_body()
    headers = wire.signed_headers(server.endpoint, body, wire.ECS_TARGET_PREFIX + "RegisterTaskDefinition",
                                  server.env["AWS_ACCESS_KEY_ID"], server.env["AWS_SECRET_ACCESS_KEY"])
    assert not any(name.lower() == "content-length" for name in headers)
    chunks = (body[i:i + 65536] for i in range(0, len(body), 65536))
    try:
        response = wire.send(server.endpoint, "POST", "/", body=chunks, headers=headers)
    except (BrokenPipeError, ConnectionResetError):
        response = None  # the server may close before reading everything; what matters is below
    if response is not None:
        assert_json_error(response, 413, "RequestEntityTooLargeException")
    assert state(server) == before


def test_body_just_under_the_limit_is_read(server):
    # A valid JSON document close to 10 MiB is read and judged on its content
    # (ECS refuses a task definition that large, but not as a transport error).
    payload = {"clusterName": "big", "padding": "x" * (TEN_MIB - 1024)}
    response = wire.call(server, "CreateCluster", payload)
    assert response.status != 413, response
    assert response.header("x-amzn-RequestId")


def test_every_response_carries_a_request_id(server):
    responses = {
        "success": wire.call(server, "ListClusters", {}),
        "service error": wire.call(server, "DeleteCluster", {"cluster": "ghost"}),
        "unsigned": wire.unsigned(server, "ListClusters"),
        "bad signature": wire.call(server, "ListClusters", {}, secret_key="wrong"),
        "unknown key": wire.call(server, "ListClusters", {}, access_key="AKIANOBODY0000000000"),
        "unknown operation": wire.call(server, "Nope", {}),
        "bad json": wire.call(server, "ListClusters", body="{"),
        "too large": wire.call(server, "ListClusters", body=b"{" + b" " * (TEN_MIB + 1) + b"}"),
        "health": wire.send(server.endpoint, "GET", "/health"),
        "unknown path": wire.send(server.endpoint, "GET", "/no/such/path"),
        "get root": wire.send(server.endpoint, "GET", "/"),
    }
    ids = set()
    for name, response in responses.items():
        request_id = response.header("x-amzn-RequestId")
        assert request_id, f"{name}: no x-amzn-RequestId in {response.headers}"
        ids.add(request_id)
    assert len(ids) == len(responses), "request ids repeat"
    assert responses["health"].status == 200
    assert responses["unknown path"].status == 404
    assert_json_error(responses["service error"], 400, "ClusterNotFoundException")
    for name in ("unsigned", "bad signature", "unknown key", "unknown operation", "bad json", "too large"):
        assert set(responses[name].json) == {"__type", "message"}, (name, responses[name])


def test_boto3_sees_request_ids_and_error_codes(server):
    ecs = server.boto3()
    ok = ecs.list_clusters()
    assert ok["ResponseMetadata"]["RequestId"]
    error = wire.client_error(ecs.describe_task_definition, taskDefinition="ghost")
    assert error.response["ResponseMetadata"]["RequestId"]
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error.response["Error"]["Code"] == "ClientException"


def write_credentials(path):
    path.write_text(textwrap.dedent("""\
        [alice]
        aws_access_key_id = AKIAALICE00000000001
        aws_secret_access_key = alice/secret+Key0000000000000000000000000

        [bob]
        aws_access_key_id=AKIABOB000000000002
        aws_secret_access_key=bobSecretKey1111111111111111111111111111
        """))
    return {
        "alice": ("AKIAALICE00000000001", "alice/secret+Key0000000000000000000000000"),
        "bob": ("AKIABOB000000000002", "bobSecretKey1111111111111111111111111111"),
    }


def test_credentials_file_principals(make_server, tmp_path):
    # First start without --credentials: a key pair is generated and kept in the data folder.
    generated = make_server(data_dir=str(tmp_path / "data"))
    generated_key = (generated.env["AWS_ACCESS_KEY_ID"], generated.env["AWS_SECRET_ACCESS_KEY"])
    assert generated.boto3().list_clusters()["clusterArns"] == []
    assert generated.stop() == 0

    principals = write_credentials(tmp_path / "credentials")
    server = make_server(data_dir=str(tmp_path / "data"),
                         extra_args=["--credentials", str(tmp_path / "credentials")])
    assert "AWS_ACCESS_KEY_ID" not in server.env and "AWS_SECRET_ACCESS_KEY" not in server.env
    for name, (key, secret) in principals.items():
        ecs = server.boto3(access_key=key, secret_key=secret)
        ecs.create_cluster(clusterName=f"by-{name}")
        definition = ecs.register_task_definition(
            family=f"by-{name}", containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64}])
        assert definition["taskDefinition"]["registeredBy"] == f"arn:aws:iam::{ACCOUNT}:user/{name}"
    alice = server.boto3(access_key=principals["alice"][0], secret_key=principals["alice"][1])
    assert sorted(alice.list_clusters()["clusterArns"]) == [
        f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/by-alice", f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/by-bob"]
    # The generated key is not a principal any more.
    response = wire.call(server, "ListClusters", {}, access_key=generated_key[0], secret_key=generated_key[1])
    assert_json_error(response, 400, "UnrecognizedClientException")
    # A principal's key with another principal's secret does not sign.
    response = wire.call(server, "ListClusters", {}, access_key=principals["alice"][0],
                         secret_key=principals["bob"][1])
    assert_json_error(response, 400, "InvalidSignatureException")


def test_credentials_file_works_with_the_aws_cli(make_server, tmp_path):
    principals = write_credentials(tmp_path / "credentials")
    server = make_server(extra_args=["--credentials", str(tmp_path / "credentials")])
    server.env["AWS_ACCESS_KEY_ID"], server.env["AWS_SECRET_ACCESS_KEY"] = principals["bob"]
    server.aws("ecs", "register-task-definition", "--family", "cli",
               "--container-definitions", '[{"name":"app","image":"busybox","memory":64}]')
    definition = server.aws("ecs", "describe-task-definition", "--task-definition", "cli:1")["taskDefinition"]
    assert definition["registeredBy"] == f"arn:aws:iam::{ACCOUNT}:user/bob"


def test_generated_key_pair_is_kept_across_restarts(make_server, tmp_path):
    data_dir = str(tmp_path / "data")
    first = make_server(data_dir=data_dir)
    keys = (first.env["AWS_ACCESS_KEY_ID"], first.env["AWS_SECRET_ACCESS_KEY"])
    first.boto3().create_cluster(clusterName="kept")
    assert first.stop() == 0
    second = make_server(data_dir=data_dir)
    assert (second.env["AWS_ACCESS_KEY_ID"], second.env["AWS_SECRET_ACCESS_KEY"]) == keys
    assert second.boto3().list_clusters()["clusterArns"] == [f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/kept"]
    # A fresh data folder gets a different key pair.
    third = make_server()
    assert third.env["AWS_ACCESS_KEY_ID"] != keys[0]


def test_timestamps_are_epoch_seconds_on_the_wire(server):
    # awsJson 1.1 timestamps are JSON numbers (seconds since the epoch), not strings.
    server.boto3().register_task_definition(
        family="stamped", containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64}])
    before = now().timestamp()
    response = wire.call(server, "DeregisterTaskDefinition", {"taskDefinition": "stamped:1"})
    assert response.status == 200, response
    definition = response.json["taskDefinition"]
    for member in ("registeredAt", "deregisteredAt"):
        value = definition[member]
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (member, value)
        assert abs(value - before) < 120, (member, value, before)
    assert definition["registeredAt"] <= definition["deregisteredAt"]


def closed_by_server(connection, within):
    """Whether the server closes the connection (end of stream or reset) within `within`
    seconds; the client never sends anything more."""
    connection.settimeout(within)
    try:
        while connection.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def test_connections_that_stall_or_idle_are_closed(make_server):
    # A client that sends half a request, or goes quiet between requests, has its
    # connection closed after --connection-idle-timeout (short here; 60 s by default).
    # The bound below only ends a wait that would otherwise never end.
    server = make_server(extra_args=["--connection-idle-timeout", "2"])
    host, port = server.endpoint.split("//")[1].split(":")
    stalled = []
    for partial in (b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Amazon", b"GET /heal"):
        for _ in range(10):
            connection = socket.create_connection((host, int(port)))
            connection.sendall(partial)
            stalled.append(connection)
    idle = socket.create_connection((host, int(port)))
    idle.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    first = idle.recv(4096)
    assert first.startswith(b"HTTP/1.1 200"), first
    started = time.monotonic()
    for connection in stalled + [idle]:
        assert closed_by_server(connection, within=60)
        connection.close()
    # Not before the timeout: a slow client gets its two seconds.
    assert time.monotonic() - started >= 1
    # The server still serves new connections.
    assert wire.call(server, "ListClusters", {}).status == 200



def health_over(connection):
    connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    return connection.recv(4096)


def test_connections_over_max_connections_wait_until_one_closes(make_server):
    # With --max-connections 3, a fourth connection is not accepted (it waits in the
    # kernel's backlog, using no descriptor of the server's) until one of the three closes.
    server = make_server(extra_args=["--max-connections", "3"])
    host, port = server.endpoint.split("//")[1].split(":")
    held = []
    for _ in range(3):
        connection = socket.create_connection((host, int(port)))
        assert health_over(connection).startswith(b"HTTP/1.1 200"), "a connection within the limit is served"
        held.append(connection)
    waiting = socket.create_connection((host, int(port)))
    waiting.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    waiting.settimeout(2)
    with pytest.raises(socket.timeout):
        waiting.recv(4096)
    held.pop().close()
    waiting.settimeout(30)
    assert waiting.recv(4096).startswith(b"HTTP/1.1 200")
    for connection in held + [waiting]:
        connection.close()


def read_until_closed(connection, within):
    """Everything the server sends until it ends the stream, and whether it did within
    `within` seconds."""
    connection.settimeout(within)
    received = b""
    try:
        while True:
            data = connection.recv(65536)
            if not data:
                return received, True
            received += data
    except ConnectionResetError:
        return received, True
    except socket.timeout:
        return received, False


@pytest.mark.parametrize("connection_field", ["Connection: close\r\n", ""])
def test_body_over_the_limit_gets_413_and_the_connection_ends(server, connection_field):
    # The server answers 413 without reading the body, then reads and drops what the
    # client still sends and ends the connection, so a client that sends its whole body
    # before reading (as many do) is not left blocked, and one that reads gets 413 then
    # end of stream. The bounds only end waits that would otherwise never end.
    host, port = server.endpoint.split("//")[1].split(":")
    connection = socket.create_connection((host, int(port)))
    length = TEN_MIB + 1
    head = ("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
            f"X-Amz-Target: {wire.ECS_TARGET_PREFIX}RegisterTaskDefinition\r\n"
            f"Content-Length: {length}\r\n{connection_field}\r\n").encode()
    connection.settimeout(20)
    connection.sendall(head + b"x" * length)
    started = time.monotonic()
    received, closed = read_until_closed(connection, within=20)
    connection.close()
    assert received.startswith(b"HTTP/1.1 413"), received[:200]
    assert b"RequestEntityTooLargeException" in received
    assert closed
    assert time.monotonic() - started < 5
    # The server is fine afterwards.
    assert wire.call(server, "ListClusters", {}).status == 200
