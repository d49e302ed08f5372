"""CloudWatch Logs as users drive it: boto3 and the aws CLI against a real server; the
awslogs driver end to end with real agents on Docker."""
import json
import os
import time

import botocore.exceptions
import pytest

from conftest import docker, wait_for


def now_ms():
    return int(time.time() * 1000)


@pytest.fixture
def logs(server):
    return server.boto3("logs")


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def all_events(logs, group, stream, **kwargs):
    """Every event of a stream, read forward with GetLogEvents until the token repeats."""
    events, token = [], None
    while True:
        args = dict(logGroupName=group, logStreamName=stream, startFromHead=True, **kwargs)
        if token:
            args["nextToken"] = token
        page = logs.get_log_events(**args)
        events += page["events"]
        if page["nextForwardToken"] == token:
            return events
        token = page["nextForwardToken"]


def filtered(logs, group, pattern, **kwargs):
    events = []
    for page in logs.get_paginator("filter_log_events").paginate(
            logGroupName=group, filterPattern=pattern, **kwargs):
        events += page["events"]
    return [e["message"] for e in events]


def test_groups_streams_and_errors(logs, server):
    logs.create_log_group(logGroupName="/app/web", tags={"team": "a"})
    logs.create_log_group(logGroupName="/app/worker")
    logs.create_log_group(logGroupName="/other")
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.create_log_group(logGroupName="/app/web")
    assert code(err) == "ResourceAlreadyExistsException"
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.create_log_group(logGroupName="bad name")
    assert code(err) == "InvalidParameterException"

    groups = logs.describe_log_groups(logGroupNamePrefix="/app")["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/app/web", "/app/worker"]
    assert groups[0]["arn"].endswith(":log-group:/app/web:*")
    names = []
    for page in logs.get_paginator("describe_log_groups").paginate(PaginationConfig={"PageSize": 1}):
        names += [g["logGroupName"] for g in page["logGroups"]]
    assert names == ["/app/web", "/app/worker", "/other"]
    assert [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePattern="work")["logGroups"]] == [
        "/app/worker"]

    for name in ["b", "a", "c"]:
        logs.create_log_stream(logGroupName="/app/web", logStreamName=name)
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.create_log_stream(logGroupName="/missing", logStreamName="x")
    assert code(err) == "ResourceNotFoundException"
    streams = logs.describe_log_streams(logGroupName="/app/web", descending=True)["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["c", "b", "a"]
    logs.put_log_events(logGroupName="/app/web", logStreamName="a",
                        logEvents=[{"timestamp": now_ms(), "message": "newest"}])
    by_time = logs.describe_log_streams(logGroupName="/app/web", orderBy="LastEventTime", descending=True)
    assert by_time["logStreams"][0]["logStreamName"] == "a"
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.describe_log_streams(logGroupName="/app/web", orderBy="LastEventTime", logStreamNamePrefix="a")
    assert code(err) == "InvalidParameterException"

    arn = groups[0]["logGroupArn"]
    logs.tag_resource(resourceArn=arn, tags={"env": "prod"})
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "a", "env": "prod"}
    logs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert logs.list_tags_log_group(logGroupName="/app/web")["tags"] == {"env": "prod"}

    logs.delete_log_stream(logGroupName="/app/web", logStreamName="b")
    logs.delete_log_group(logGroupName="/other")
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.delete_log_group(logGroupName="/other")
    assert code(err) == "ResourceNotFoundException"


def test_put_log_events_rules_store_nothing_when_refused(logs):
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    t = now_ms()
    refused = [
        [{"timestamp": t, "message": "x"}] * 10_001,
        [{"timestamp": t, "message": "x" * 200_000}] * 6,
        [{"timestamp": t - 25 * 3600 * 1000, "message": "old"}, {"timestamp": t, "message": "new"}],
    ]
    for batch in refused:
        with pytest.raises(botocore.exceptions.ClientError) as err:
            logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=batch)
        assert code(err) == "InvalidParameterException"
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.put_log_events(logGroupName="missing", logStreamName="s", logEvents=[{"timestamp": t, "message": "x"}])
    assert code(err) == "ResourceNotFoundException"
    assert all_events(logs, "g", "s") == []

    answer = logs.put_log_events(
        logGroupName="g", logStreamName="s", sequenceToken="ignored",
        logEvents=[{"timestamp": t - 15 * 86400 * 1000 + 1, "message": "too old"},
                   {"timestamp": t - 1000, "message": "second"},
                   {"timestamp": t - 2000, "message": "first"},
                   {"timestamp": t + 3 * 3600 * 1000, "message": "too new"}][1:])
    assert answer["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 2}
    assert [e["message"] for e in all_events(logs, "g", "s")] == ["first", "second"]


def test_get_log_events_paging_and_filter_patterns(logs, server):
    logs.create_log_group(logGroupName="app")
    logs.create_log_stream(logGroupName="app", logStreamName="one")
    logs.create_log_stream(logGroupName="app", logStreamName="two")
    t = now_ms() - 60_000
    lines = [f"line {i:05d} {'ERROR' if i % 10 == 0 else 'INFO'}" for i in range(25_000)]
    for start in range(0, len(lines), 10_000):
        logs.put_log_events(logGroupName="app", logStreamName="one", logEvents=[
            {"timestamp": t + i // 100, "message": m} for i, m in enumerate(lines[start:start + 10_000], start)])
    read = all_events(logs, "app", "one")
    assert [e["message"] for e in read] == lines
    newest = logs.get_log_events(logGroupName="app", logStreamName="one", limit=5)
    assert [e["message"] for e in newest["events"]] == lines[-5:]
    older = logs.get_log_events(logGroupName="app", logStreamName="one", limit=5,
                                nextToken=newest["nextBackwardToken"])
    assert [e["message"] for e in older["events"]] == lines[-10:-5]

    json_lines = [json.dumps({"level": lvl, "latency": lat}) for lvl, lat in
                  [("error", 150), ("error", 50), ("info", 500)]]
    access = ['10.0.0.1 - alice [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 512',
              '10.0.0.2 - bob [10/Oct/2000:13:55:37 -0700] "GET /x HTTP/1.0" 404 2326',
              '10.0.0.3 - carol [10/Oct/2000:13:55:38 -0700] "POST /y HTTP/1.0" 500 10']
    logs.put_log_events(logGroupName="app", logStreamName="two", logEvents=[
        {"timestamp": t + 1000 + i, "message": m} for i, m in enumerate(json_lines + access)])

    assert len(filtered(logs, "app", "ERROR")) == 2500
    assert filtered(logs, "app", "ERROR -00010", logStreamNames=["one"])[:2] == [lines[0], lines[20]]
    assert filtered(logs, "app", '"line 0000"') == lines[:10]
    assert filtered(logs, "app", '{ $.level = "error" && $.latency > 100 }') == [json_lines[0]]
    assert filtered(logs, "app", '{ $.level = "info" || $.latency < 100 }') == json_lines[1:]
    assert filtered(logs, "app", "[ip, id, user, ts, request, status = 4* || status = 5*, size]") == access[1:]
    assert filtered(logs, "app", "[..., status, size > 1000]") == [access[1]]
    assert filtered(logs, "app", "?alice ?carol", logStreamNamePrefix="tw") == [access[0], access[2]]
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.filter_log_events(logGroupName="app", filterPattern="{ $.a = ")
    assert code(err) == "InvalidParameterException"

    # The aws CLI pages through FilterLogEvents and GetLogEvents by itself.
    out = server.aws("logs", "filter-log-events", "--log-group-name", "app", "--filter-pattern", "ERROR",
                     "--log-stream-names", "one")
    assert len(out["events"]) == 2500
    out = server.aws("logs", "get-log-events", "--log-group-name", "app", "--log-stream-name", "two",
                     "--start-from-head")
    assert [e["message"] for e in out["events"]] == json_lines + access


def test_retention_deletes_older_events(logs):
    logs.create_log_group(logGroupName="keep")
    logs.create_log_stream(logGroupName="keep", logStreamName="s")
    t = now_ms()
    logs.put_log_events(logGroupName="keep", logStreamName="s", logEvents=[
        {"timestamp": t - 3 * 86400 * 1000, "message": "three days old"},
        {"timestamp": t - 2 * 86400 * 1000, "message": "two days old"}])
    logs.put_log_events(logGroupName="keep", logStreamName="s", logEvents=[{"timestamp": t, "message": "today"}])
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.put_retention_policy(logGroupName="keep", retentionInDays=2)
    assert code(err) == "InvalidParameterException"
    logs.put_retention_policy(logGroupName="keep", retentionInDays=1)
    assert logs.describe_log_groups(logGroupNamePrefix="keep")["logGroups"][0]["retentionInDays"] == 1
    wait_for("expired events deleted",
             lambda: [e["message"] for e in all_events(logs, "keep", "s")] == ["today"], timeout=30)
    answer = logs.put_log_events(logGroupName="keep", logStreamName="s", logEvents=[
        {"timestamp": t - 2 * 86400 * 1000, "message": "expired"}])
    assert answer["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}
    logs.delete_retention_policy(logGroupName="keep")
    assert "retentionInDays" not in logs.describe_log_groups(logGroupNamePrefix="keep")["logGroups"][0]


def test_metric_filter_counts_errors_into_an_alarm(logs, server):
    cw = server.boto3("cloudwatch")
    logs.create_log_group(logGroupName="svc")
    logs.create_log_stream(logGroupName="svc", logStreamName="s")
    logs.put_metric_filter(
        logGroupName="svc", filterName="errors", filterPattern="ERROR",
        metricTransformations=[{"metricName": "ErrorCount", "metricNamespace": "Svc", "metricValue": "1"}])
    logs.put_metric_filter(
        logGroupName="svc", filterName="latency", filterPattern="{ $.latency > 0 }",
        metricTransformations=[{"metricName": "Latency", "metricNamespace": "Svc", "metricValue": "$.latency",
                                "unit": "Milliseconds"}])
    filters = logs.describe_metric_filters(logGroupName="svc")["metricFilters"]
    assert [f["filterName"] for f in filters] == ["errors", "latency"]
    tested = logs.test_metric_filter(filterPattern="[ip, status = 5*]", logEventMessages=["1.2.3.4 503", "x 200"])
    assert tested["matches"] == [{"eventNumber": 1, "eventMessage": "1.2.3.4 503",
                                  "extractedValues": {"$ip": "1.2.3.4", "$status": "503"}}]
    t = now_ms()
    logs.put_log_events(logGroupName="svc", logStreamName="s", logEvents=[
        {"timestamp": t, "message": m} for m in
        ["ERROR a", "INFO b", "ERROR c", '{"latency": 40}', '{"latency": 60}', "ERROR d"]])
    cw.put_metric_alarm(
        AlarmName="errors", Namespace="Svc", MetricName="ErrorCount", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=2, ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching")
    start = time.time() - 600

    def total():
        points = cw.get_metric_statistics(Namespace="Svc", MetricName="ErrorCount", StartTime=start,
                                          EndTime=time.time() + 60, Period=60, Statistics=["Sum"])["Datapoints"]
        return sum(p["Sum"] for p in points)
    assert wait_for("error count", lambda: total() == 3, timeout=10)
    latency = cw.get_metric_statistics(Namespace="Svc", MetricName="Latency", StartTime=start,
                                       EndTime=time.time() + 60, Period=600, Statistics=["Average"])["Datapoints"]
    assert latency[0]["Average"] == 50
    logs.delete_metric_filter(logGroupName="svc", filterName="latency")
    assert len(logs.describe_metric_filters(logGroupName="svc")["metricFilters"]) == 1


# The awslogs driver with real agents on Docker.

from conftest import TEST_IMAGE  # noqa: E402

PRINTER = ("i=1; while [ $i -le {n} ]; do echo \"out $i\"; echo \"err $i\" >&2; "
           "if [ $((i % {every})) -eq 0 ]; then sleep {pause}; fi; i=$((i+1)); done")


def run_printer(server, logs, cluster, family, n, every=1000, pause=0):
    containers = [{
        "name": "printer", "image": TEST_IMAGE, "memory": 32, "essential": True,
        "command": ["sh", "-c", PRINTER.format(n=n, every=every, pause=pause)],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": f"/ecs/{family}", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs",
            "awslogs-create-group": "true"}}}]
    definition = server.aws("ecs", "register-task-definition", "--family", family,
                            "--container-definitions", json.dumps(containers))["taskDefinition"]
    assert {"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"} in definition["requiresAttributes"]
    arn = server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", family)["tasks"][0]["taskArn"]
    return arn, f"/ecs/{family}", f"ecs/printer/{arn.split('/')[-1]}"


def expected(n):
    return sorted([f"out {i}" for i in range(1, n + 1)] + [f"err {i}" for i in range(1, n + 1)])


def delivered(logs, group, stream):
    try:
        return [e["message"] for e in all_events(logs, group, stream)]
    except botocore.exceptions.ClientError:
        return []


def test_awslogs_ships_every_line_once(server, make_agent, logs):
    cluster = "awslogs"
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    make_agent(server, cluster).arn()
    n = 5000
    arn, group, stream = run_printer(server, logs, cluster, "printer", n)
    messages = wait_for("every line delivered", lambda: (m := delivered(logs, group, stream)) and len(m) >= 2 * n and m,
                        timeout=120)
    assert sorted(messages) == expected(n)
    outs = [m for m in messages if m.startswith("out")]
    assert outs == [f"out {i}" for i in range(1, n + 1)]
    # Docker keeps its own copy.
    ids = docker("ps", "-aq", "--filter", f"label=com.amazonaws.ecs.task-arn={arn}").split()
    assert f"out {n}" in docker("logs", ids[0])


def test_awslogs_resumes_after_sigkill_without_duplicates_or_gaps(server, make_agent, logs):
    cluster = "awslogs-kill"
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    data_dir = os.path.join(server.data_dir, "agent")
    agent = make_agent(server, cluster, data_dir=data_dir)
    agent.arn()
    n = 20000
    arn, group, stream = run_printer(server, logs, cluster, "killed", n, every=500, pause=0.2)
    try:
        wait_for("some lines delivered", lambda: len(delivered(logs, group, stream)) > 1000, timeout=120)
    except AssertionError as error:
        task = server.aws("ecs", "describe-tasks", "--cluster", cluster, "--tasks", arn)["tasks"]
        raise AssertionError(f"{error}\ntask: {task}\nagent log:\n{agent.read_log()}\nserver log:\n"
                             f"{server.read_log()}") from None
    agent.kill()
    time.sleep(1)
    make_agent(server, cluster, data_dir=data_dir)
    messages = wait_for("every line delivered", lambda: (m := delivered(logs, group, stream)) and len(m) >= 2 * n and m,
                        timeout=180)
    time.sleep(2)
    messages = delivered(logs, group, stream)
    assert len(messages) == 2 * n
    assert sorted(messages) == expected(n)


def test_awslogs_delivers_100000_lines_once_across_ten_seconds_without_the_server(make_server, make_agent):
    server = make_server()
    port = server.endpoint.rsplit(":", 1)[1]
    logs = server.boto3("logs")
    cluster = "awslogs-outage"
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    make_agent(server, cluster).arn()
    n = 100000
    arn, group, stream = run_printer(server, logs, cluster, "outage", n, every=5000, pause=0.5)
    wait_for("some lines delivered", lambda: len(delivered(logs, group, stream)) > 1000, timeout=120)
    server.stop()
    time.sleep(10)
    again = make_server(data_dir=server.data_dir, extra_args=["--port", port])
    logs = again.boto3("logs")
    wait_for("every line delivered", lambda: len(delivered(logs, group, stream)) >= 2 * n, timeout=300, interval=2)
    time.sleep(2)
    messages = delivered(logs, group, stream)
    assert len(messages) == 2 * n
    assert sorted(messages) == expected(n)
    outs = [m for m in messages if m.startswith("out")]
    assert outs == [f"out {i}" for i in range(1, n + 1)]
    # filter-log-events finds them too, each once.
    assert len(filtered(logs, group, '"out 99999"')) == 1


def run_logging_task(server, cluster, family, containers):
    """Runs one task whose containers (name, shell command, extra awslogs options) log
    through awslogs to /ecs/FAMILY; returns the task ARN, the group and each container's
    stream."""
    definitions = [{
        "name": name, "image": TEST_IMAGE, "memory": 32, "essential": True,
        "command": ["sh", "-c", command],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": f"/ecs/{family}", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs",
            "awslogs-create-group": "true", **options}}} for name, command, options in containers]
    server.aws("ecs", "register-task-definition", "--family", family,
               "--container-definitions", json.dumps(definitions))
    arn = server.aws("ecs", "run-task", "--cluster", cluster, "--task-definition", family)["tasks"][0]["taskArn"]
    task_id = arn.split("/")[-1]
    return arn, f"/ecs/{family}", {name: f"ecs/{name}/{task_id}" for name, _, _ in containers}


def container_ids(arn):
    """{container name: Docker id} of a task's containers."""
    ids = {}
    for line in docker("ps", "-a", "--no-trunc", "--filter", f"label=com.amazonaws.ecs.task-arn={arn}",
                       "--format", '{{.ID}} {{.Label "com.amazonaws.ecs.container-name"}}').splitlines():
        container, name = line.split(" ", 1)
        ids[name] = container
    return ids


def test_awslogs_multiline_pattern_and_datetime_format_group_lines(server, make_agent, logs):
    cluster = "awslogs-multiline"
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    make_agent(server, cluster).arn()
    pattern = ('echo "INFO start"; echo "ERROR boom"; echo "  at one()"; echo ""; echo "  at two()"; '
               'echo "INFO next"; echo "ERROR last"; echo "  at three()"; exec sleep 3600')
    dated = ('echo "2024-05-01 10:00:00 first"; echo "  continued"; echo "2024-05-01 10:00:01 second"; '
             'echo "  and more"; exec sleep 3600')
    arn, group, streams = run_logging_task(server, cluster, "multiline", [
        ("pattern", pattern, {"awslogs-multiline-pattern": "^(INFO|ERROR) "}),
        ("dated", dated, {"awslogs-datetime-format": "%Y-%m-%d %H:%M:%S"})])
    # The containers keep running: the last event of each is handed over once it is 5 s
    # old, not when the output ends.
    want = {"pattern": ["INFO start", "ERROR boom\n  at one()\n\n  at two()", "INFO next", "ERROR last\n  at three()"],
            "dated": ["2024-05-01 10:00:00 first\n  continued", "2024-05-01 10:00:01 second\n  and more"]}
    for name, stream in streams.items():
        got = wait_for(f"{name}'s events", lambda: (m := delivered(logs, group, stream)) and len(m) >= len(want[name])
                       and m, timeout=60)
        assert got == want[name]
    task = server.aws("ecs", "describe-tasks", "--cluster", cluster, "--tasks", arn)["tasks"][0]
    assert task["lastStatus"] == "RUNNING"
    time.sleep(2)
    assert [delivered(logs, group, stream) for stream in streams.values()] == list(want.values())
    server.aws("ecs", "stop-task", "--cluster", cluster, "--task", arn)


def test_awslogs_non_blocking_mode_drops_what_its_buffer_cannot_hold(server, make_agent, logs):
    cluster = "awslogs-nonblocking"
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    data_dir = os.path.join(server.data_dir, "agent-nb")
    agent = make_agent(server, cluster, data_dir=data_dir)
    agent.arn()
    n = 10000
    printer = f"i=1; while [ $i -le {n} ]; do echo \"line $i\"; i=$((i+1)); done"
    arn, group, streams = run_logging_task(server, cluster, "nonblocking", [
        ("lossy", printer, {"mode": "non-blocking", "max-buffer-size": "4k"}),
        ("lossless", printer, {"max-buffer-size": "4k"})])
    ids = wait_for("both containers", lambda: len(ids := container_ids(arn)) == 2 and ids, timeout=60)

    def position(name):
        try:
            with open(os.path.join(data_dir, "awslogs", ids[name] + ".json")) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}
    try:
        wait_for("both containers' output shipped", lambda: all(position(name).get("complete") for name in ids),
                 timeout=180, interval=0.5)
    except AssertionError as error:
        raise AssertionError(f"{error}\npositions: {[position(name) for name in ids]}\nfiles: "
                             f"{os.listdir(os.path.join(data_dir, 'awslogs'))} ids {ids}\nagent log:\n"
                             f"{agent.read_log()}") from None
    # Blocking mode loses nothing whatever max-buffer-size says (Docker keeps the
    # output and the agent reads it as it can): every line, in order.
    assert delivered(logs, group, streams["lossless"]) == [f"line {i}" for i in range(1, n + 1)]
    assert position("lossless")["dropped"] == 0
    # Non-blocking mode drops what does not fit; what it keeps is in order, each once,
    # and the agent counted the rest.
    kept = delivered(logs, group, streams["lossy"])
    numbers = [int(m.split()[1]) for m in kept]
    assert 0 < len(kept) < n
    assert numbers == sorted(set(numbers))
    assert len(kept) + position("lossy")["dropped"] == n
    task = server.aws("ecs", "describe-tasks", "--cluster", cluster, "--tasks", arn)["tasks"][0]
    assert {c["name"]: c.get("exitCode") for c in task["containers"]} == {"lossy": 0, "lossless": 0}


def test_awslogs_splits_a_line_over_256_kib_into_events(server, make_agent, logs):
    cluster = "awslogs-long"
    server.aws("ecs", "create-cluster", "--cluster-name", cluster)
    make_agent(server, cluster).arn()
    # 600,000 ASCII bytes, then 100,000 three-byte characters (300,000 bytes) on one line.
    command = ("echo before; head -c 600000 /dev/zero | tr '\\0' a; echo; "
               "yes € | head -n 100000 | tr -d '\\n'; echo; echo after")
    arn, group, streams = run_logging_task(server, cluster, "long", [("long", command, {})])
    stream = streams["long"]
    messages = wait_for("every piece", lambda: (m := delivered(logs, group, stream)) and m[-1] == "after" and m,
                        timeout=120)
    limit = 262_144 - 26
    assert messages[0] == "before" and messages[-1] == "after"
    pieces = messages[1:-1]
    assert all(len(p.encode()) <= limit for p in pieces)
    ascii_pieces = [p for p in pieces if p.startswith("a")]
    euro_pieces = [p for p in pieces if p.startswith("€")]
    assert len(ascii_pieces) + len(euro_pieces) == len(pieces)
    assert [len(p) for p in ascii_pieces] == [limit, limit, 600_000 - 2 * limit]
    assert "".join(ascii_pieces) == "a" * 600_000
    # Docker's json-file cuts a long line every 16 KiB and stores each piece as JSON, which
    # turns a character cut in two into U+FFFD: the events hold what Docker kept, cut
    # only between characters.
    [container] = container_ids(arn).values()
    kept = docker("logs", container).split("\n")[2]
    assert kept.count("€") > 99_000 and "".join(euro_pieces) == kept
    assert len(euro_pieces) == 2 and len(euro_pieces[0].encode()) > limit - 3
    # FilterLogEvents sees the same events.
    assert len(filtered(logs, group, "", logStreamNames=[stream])) == len(messages)
