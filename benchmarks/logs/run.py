#!/usr/bin/env python3
"""Container logs benchmark (issue 15). Run through benchmarks/logs/run.sh, which builds
the release binary and passes it as ADMIRAL_BINARY.

  run.py [--record DOC]     every part, then the results tables (--record: rewrite the
                            container logs results in DOC)

Parts (PARTS=delivery,api,million,control selects some; --record needs all four):

1. delivery: a container prints LINES numbered lines of 100 bytes as fast as busybox awk
   writes them. First with no agent, so that Docker's json-file driver alone takes the
   output (the floor: lines over the span of Docker's own timestamps); then as an ECS task
   with the awslogs driver, a real `admiral agent` on the same Docker daemon shipping it
   to `admiral server`. Meanwhile a client asks GetLogEvents for the stream's newest event
   every POLL_MS ms; a line is readable from the first answer that holds it or a later
   line. Delay = that answer's arrival - Docker's timestamp of the line. Afterwards every
   line is read back and checked: each once, in order. Then the same at a paced rate of
   half the floor for PACED_SECONDS.
2. api: PutLogEvents (50 different calls of 1,000 events, and 100 of 10 events) and
   FilterLogEvents (a term that matches 1 % of FILTER_EVENTS events in 10 streams)
   replayed by wrk from requests boto3 built and signed, against Admiral and moto_server.
3. million: FilterLogEvents over MILLION events in one group, every page of a query.
4. control: RunTask (INSTANCES simulated instances) at CONTROL_RATE calls/s open loop,
   without log traffic and with PutLogEvents of 1,000 events replayed flat out by wrk,
   CONTROL_ROUNDS rounds in turn.

Only 127.0.0.1 and the private Docker daemon are contacted; every process is stopped on
exit."""
import datetime
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from admiral_bench import TEST_IMAGE, Agent, UnixHTTPConnection, log, percentile, scratch, wait_for  # noqa: E402

# The CloudWatch benchmark's machinery: boto3 requests captured and replayed by wrk, the
# open-loop client, moto_server and Admiral processes, the report's header.
_spec = importlib.util.spec_from_file_location("cloudwatch_bench", os.path.join(HERE, "..", "cloudwatch", "run.py"))
cw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cw)

env_int = cw.env_int
LINES = env_int("LINES", 500_000)
PACED_SECONDS = env_int("PACED_SECONDS", 10)
DURATION = env_int("DURATION", 10)
WARMUP = env_int("WARMUP", 2)
CONNECTIONS = env_int("CONNECTIONS", 16)
FILTER_EVENTS = env_int("FILTER_EVENTS", 100_000)
MILLION = env_int("MILLION", 1_000_000)
QUERY_CALLS = env_int("QUERY_CALLS", 5)
INSTANCES = env_int("INSTANCES", 100)
CONTROL_RATE = env_int("CONTROL_RATE", 20)
CONTROL_SECONDS = env_int("CONTROL_SECONDS", 15)
CONTROL_ROUNDS = env_int("CONTROL_ROUNDS", 3)
POLL_MS = 20
PARTS = [p for p in os.environ.get("PARTS", "delivery,api,million,control").split(",") if p]
ALL_PARTS = {"delivery", "api", "million", "control"}
PERF = os.environ.get("PERF") == "1"
DOCKER_HOST = os.environ.get("ADMIRAL_DOCKER_HOST", "")

LINE_BYTES = 100
BIG_BATCH, SMALL_BATCH = 1000, 10
BIG_CALLS, SMALL_CALLS = 50, 100
CLUSTER, RUN_FAMILY = "bench-logs", "bench-logs-run"
CONTAINERS = [{"name": "app", "image": "busybox:latest", "cpu": 1, "memory": 8, "essential": True}]

BEGIN = "<!-- logs-results:begin (benchmarks/logs/run.sh --record rewrites this part) -->"
END = "<!-- logs-results:end -->"


# ------------------------------------------------------------------------------ printers

def printer(lines, rate=None, floor=None):
    """A busybox awk program printing `lines` lines of LINE_BYTES bytes (with the newline),
    numbered from 1; with `rate`, in chunks of 1/50 s of output, each followed by a sleep
    of what is left of the 1/50 s once printing at `floor` lines/s and starting the sleep
    (about 2 ms) are counted."""
    pad = "x" * (LINE_BYTES - 1 - len("00000000 stdout line "))
    body = f'printf "%08d stdout line {pad}\\n", i'
    if rate is None:
        return ["awk", f"BEGIN {{ for (i = 1; i <= {lines}; i++) {body} }}"]
    chunk = max(int(rate / 50), 1)
    sleep = max(int(1e6 * (chunk / rate - chunk / floor - 0.002)), 1000)
    return ["awk", f"BEGIN {{ for (i = 1; i <= {lines}; i++) {{ {body}; "
                   f"if (i % {chunk} == 0) {{ fflush(); system(\"usleep {sleep}\") }} }} }}"]


def number(message):
    return int(message[:8])


# ------------------------------------------------------------------------------ Docker

class Docker:
    """The few Engine API calls the floor needs, over the private daemon's socket."""

    def __init__(self, host):
        if not host.startswith("unix://"):
            sys.exit(f"run.py: ADMIRAL_DOCKER_HOST={host!r}: only unix:// hosts are benchmarked")
        self.path = host[len("unix://"):]

    def request(self, method, path, body=None, timeout=600):
        connection = UnixHTTPConnection(self.path, timeout=timeout)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            connection.request(method, path, body=payload,
                               headers={"Content-Type": "application/json"} if payload else {})
            response = connection.getresponse()
            data = response.read()
            if response.status >= 300:
                raise RuntimeError(f"docker {method} {path}: {response.status} {data[:300]!r}")
            return data
        finally:
            connection.close()

    def timestamps(self, container):
        """Docker's timestamp (seconds) of every stdout line of a container, in order."""
        data = self.request("GET", f"/containers/{container}/logs?stdout=1&timestamps=1")
        stamps, offset = [], 0
        while offset + 8 <= len(data):
            length = int.from_bytes(data[offset + 4:offset + 8], "big")
            payload = data[offset + 8:offset + 8 + length]
            offset += 8 + length
            if payload.endswith(b"\n"):
                stamps.append(rfc3339(payload.split(b" ", 1)[0].decode()))
        return stamps


def rfc3339(text):
    """Seconds since the epoch of Docker's `2024-01-02T03:04:05.123456789Z`."""
    whole, _, fraction = text.rstrip("Z").partition(".")
    seconds = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return seconds.timestamp() + float("0." + (fraction or "0"))


def floor_run(docker, lines):
    """json-file alone: the container's lines over the span of Docker's timestamps."""
    created = json.loads(docker.request("POST", "/containers/create", {
        "Image": TEST_IMAGE, "Cmd": printer(lines), "Labels": {"admiral-bench": "logs-floor"},
        "HostConfig": {"NetworkMode": "none", "LogConfig": {"Type": "json-file"}}}))
    container = created["Id"]
    try:
        docker.request("POST", f"/containers/{container}/start")
        docker.request("POST", f"/containers/{container}/wait")
        stamps = docker.timestamps(container)
        if len(stamps) != lines:
            raise RuntimeError(f"json-file: {len(stamps)} lines kept of {lines}")
        span = stamps[-1] - stamps[0]
        return {"lines": lines, "seconds": span, "lines_per_sec": lines / span}
    finally:
        docker.request("DELETE", f"/containers/{container}?force=1")


# ------------------------------------------------------------------------------ 1. delivery

class Poller(threading.Thread):
    """GetLogEvents for the newest event of a stream every POLL_MS ms: (arrival, newest
    line number) of every answer."""

    def __init__(self, logs, group, stream, last):
        super().__init__(daemon=True)
        self.logs, self.group, self.stream, self.last = logs, group, stream, last
        self.seen, self.calls, self.stop = [], 0, False

    def run(self):
        newest = 0
        while not self.stop and newest < self.last:
            began = time.time()
            try:
                page = self.logs.get_log_events(logGroupName=self.group, logStreamName=self.stream, limit=1)
                events = page["events"]
            except Exception:       # the stream does not exist until the agent creates it
                events = []
            arrived = time.time()
            self.calls += 1
            if events:
                newest = max(newest, number(events[-1]["message"]))
                self.seen.append((arrived, newest))
            time.sleep(max(POLL_MS / 1000 - (arrived - began), 0))


def read_all(logs, group, stream):
    events, token = [], None
    while True:
        args = dict(logGroupName=group, logStreamName=stream, startFromHead=True)
        if token:
            args["nextToken"] = token
        page = logs.get_log_events(**args)
        events += page["events"]
        if page["nextForwardToken"] == token:
            return events
        token = page["nextForwardToken"]


def delivery_run(work, server, logs, ecs, docker, name, lines, rate=None, floor=None):
    """One task printing through awslogs; the figures of its delivery."""
    family = f"bench-logs-{name}"
    group = f"/bench/{name}"
    ecs.register_task_definition(family=family, containerDefinitions=[{
        "name": "printer", "image": TEST_IMAGE, "memory": 64, "essential": True, "command": printer(lines, rate, floor),
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "bench",
            "awslogs-create-group": "true"}}}])
    task = ecs.run_task(cluster=CLUSTER, taskDefinition=family)["tasks"][0]["taskArn"]
    stream = f"bench/printer/{task.split('/')[-1]}"
    poller = Poller(logs, group, stream, lines)
    started = time.time()
    poller.start()
    perfs = []
    if PERF and rate is None:
        perfs = [cw.Load(["perf", "record", "-F", "499", "-g", "-p", str(pid), "-o",
                          os.path.join(work, f"{role}-{name}.perf")], subprocess.DEVNULL)
                 for role, pid in (("agent", AGENT_PID[0]), ("server", SERVER_PID[0]))]
    poller.join(timeout=max(600, lines / 1000))
    for perf in perfs:
        os.killpg(perf.process.pid, signal.SIGINT)
        perf.wait(60)
    poller.stop = True
    if not poller.seen or poller.seen[-1][1] < lines:
        raise RuntimeError(f"{name}: {poller.seen[-1][1] if poller.seen else 0} of {lines} lines readable "
                           f"after {time.time() - started:.0f} s")
    events = read_all(logs, group, stream)
    numbers = [number(e["message"]) for e in events]
    if numbers != list(range(1, lines + 1)):
        raise RuntimeError(f"{name}: {len(numbers)} events read back, not lines 1..{lines} once each in order")
    printed = [e["timestamp"] / 1000 for e in events]
    # The first answer holding line i or a later one.
    readable, position = [], 0
    for i in range(1, lines + 1):
        while poller.seen[position][1] < i:
            position += 1
        readable.append(poller.seen[position][0])
    delays = [r - p for r, p in zip(readable, printed)]
    stored = [e["ingestionTime"] / 1000 - p for e, p in zip(events, printed)]
    print_span = printed[-1] - printed[0]
    delivered_span = readable[-1] - printed[0]
    return {"lines": lines, "print_lines_per_sec": lines / max(print_span, 1e-3), "print_seconds": print_span,
            "delivered_lines_per_sec": lines / delivered_span, "delivered_seconds": delivered_span,
            "delay_p50": percentile(delays, 50), "delay_p99": percentile(delays, 99), "delay_max": max(delays),
            "stored_p50": percentile(stored, 50), "stored_p99": percentile(stored, 99), "polls": poller.calls,
            "target_rate": rate}


AGENT_PID = [0]
SERVER_PID = [0]


def delivery(work):
    docker = Docker(DOCKER_HOST)
    log(f"delivery: json-file alone, {LINES:,} lines")
    floor = floor_run(docker, LINES)
    log(f"    json-file took {floor['lines_per_sec']:,.0f} lines/s")
    server = cw.Admiral(work, "admiral-delivery")
    agent = None
    try:
        agent = Agent(os.environ["ADMIRAL_BINARY"], server.server, CLUSTER, os.path.join(work, "agent"),
                      ["--docker-host", DOCKER_HOST]).start()
        AGENT_PID[0] = agent.process.pid
        SERVER_PID[0] = server.pid
        ecs = cw.client("ecs", server.endpoint, server.key, server.secret)
        logs = cw.client("logs", server.endpoint, server.key, server.secret)
        ecs.create_cluster(clusterName=CLUSTER)
        wait_for("the agent's instance", lambda: ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0][
            "registeredContainerInstancesCount"] == 1, timeout=120, interval=0.5)
        log(f"delivery: awslogs, {LINES:,} lines flat out")
        agent_cpu = cw.cpu_seconds(agent.process.pid)
        server_cpu = cw.cpu_seconds(server.pid)
        flat = delivery_run(work, server, logs, ecs, docker, "flat", LINES)
        flat["agent_cpu_seconds"] = cw.cpu_seconds(agent.process.pid) - agent_cpu
        flat["server_cpu_seconds"] = cw.cpu_seconds(server.pid) - server_cpu
        log(f"    printed {flat['print_lines_per_sec']:,.0f} lines/s, delivered {flat['delivered_lines_per_sec']:,.0f}"
            f" lines/s; delay p50 {flat['delay_p50']:.2f} s, p99 {flat['delay_p99']:.2f} s")
        rate = floor["lines_per_sec"] / 2
        paced_lines = int(rate * PACED_SECONDS)
        log(f"delivery: awslogs, {paced_lines:,} lines at {rate:,.0f} lines/s (half the floor)")
        paced = delivery_run(work, server, logs, ecs, docker, "paced", paced_lines, rate, floor["lines_per_sec"])
        log(f"    printed {paced['print_lines_per_sec']:,.0f} lines/s, delivered "
            f"{paced['delivered_lines_per_sec']:,.0f} lines/s; delay p50 {paced['delay_p50']:.2f} s, "
            f"p99 {paced['delay_p99']:.2f} s")
        return {"floor": floor, "flat": flat, "paced": paced}
    finally:
        if agent:
            agent.stop()
        server.stop()
        for container in json.loads(docker.request("GET", "/containers/json?all=1&filters=" + urllib.parse.quote(
                json.dumps({"label": ["com.amazonaws.ecs.cluster=" + CLUSTER]})))):
            docker.request("DELETE", f"/containers/{container['Id']}?force=1")


# ------------------------------------------------------------------------------ 2. api

def events(count, seed, stamp):
    """`count` events of about LINE_BYTES bytes; every 100th is an ERROR."""
    return [{"timestamp": stamp, "message": f'{{"level": "{"ERROR" if (seed + n) % 100 == 0 else "INFO"}", '
                                            f'"latency": {(seed * 7 + n * 13) % 1000}, "path": "/api/items", '
                                            f'"id": {seed * 100_000 + n}}}'} for n in range(count)]


def put_requests(server, group, stream, batch, calls):
    stamp = int(time.time() * 1000)
    return [cw.presign("logs", server.endpoint, server.key, server.secret, "put_log_events", logGroupName=group,
                       logStreamName=stream, logEvents=events(batch, i * batch, stamp)) for i in range(calls)]


def prepare(server, group, streams):
    logs = cw.client("logs", server.endpoint, server.key, server.secret, pool=4)
    logs.create_log_group(logGroupName=group)
    for stream in streams:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    return logs


def seed(logs, group, streams, total):
    """`total` events spread over `streams`, 10,000 per PutLogEvents call, over the last hour."""
    from concurrent.futures import ThreadPoolExecutor
    now = int(time.time() * 1000)
    per_call = 10_000
    jobs = [(streams[i % len(streams)], i) for i in range(total // per_call)]

    def put(job):
        stream, i = job
        batch = events(per_call, i * per_call, now - 3_600_000 + i)
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(put, jobs))


def api_server(work, name, server):
    results = {}
    admiral = isinstance(server, cw.Admiral)
    logs = prepare(server, "/bench/put", ["big", "small"])
    for kind, batch, calls in (("big", BIG_BATCH, BIG_CALLS), ("small", SMALL_BATCH, SMALL_CALLS)):
        requests = put_requests(server, "/bench/put", kind, batch, calls)
        script = os.path.join(work, f"{name}-put-{kind}.lua")
        cw.wrk_script(script, requests)
        cw.check_ok(f"{name} PutLogEvents {kind}", server.endpoint, requests[0])
        log(f"{name} PutLogEvents x {batch}: warm-up {WARMUP} s, then wrk -t1 -c{CONNECTIONS} -d{DURATION}s")
        warm = cw.run_wrk(server.endpoint, script, WARMUP, os.path.join(work, f"{name}-put-{kind}-warm.txt"),
                          server.pid)
        perf = None
        if PERF and admiral:
            perf = cw.Load(["perf", "record", "-F", "499", "-g", "-p", str(server.pid), "-o",
                            os.path.join(work, f"server-put-{kind}.perf")], subprocess.DEVNULL)
        result = cw.run_wrk(server.endpoint, script, DURATION, os.path.join(work, f"{name}-put-{kind}.txt"),
                            server.pid)
        if perf:
            os.killpg(perf.process.pid, signal.SIGINT)
            perf.wait(60)
        result.update(events_per_call=batch, events_per_sec=result["requests_per_sec"] * batch,
                      body_bytes=sum(len(b) for _, b in requests) // len(requests))
        if result["non_2xx"] or (admiral and (warm["non_2xx"] or any(result["socket_errors"].values()))):
            raise RuntimeError(f"{name} PutLogEvents {kind}: errors: {result}")
        if admiral:
            calls_answered = 1 + warm["requests"] + result["requests"]
            [described] = logs.describe_log_streams(logGroupName="/bench/put", logStreamNamePrefix=kind)["logStreams"]
            # The calls are replayed in turn: a call's bytes on average.
            per_call = sum(len(e["message"].encode()) for i in range(calls)
                           for e in events(batch, i * batch, 0)) / calls
            stored = described["storedBytes"] / per_call
            if not calls_answered - 1 <= stored <= calls_answered + 2 * CONNECTIONS + 1:
                raise RuntimeError(f"{name} {kind}: {stored:.0f} calls' bytes stored for {calls_answered} answered")
            result["stored_calls"] = round(stored)
        log(f"    {result['requests_per_sec']:,.0f} calls/s = {result['events_per_sec']:,.0f} events/s, "
            f"p99 {result['p99_ms']:.1f} ms, server {result['server_cpu']:.2f} cores")
        results[kind] = result
    streams = [f"s{n}" for n in range(10)]
    logs = prepare(server, "/bench/filter", streams)
    log(f"{name}: seeding {FILTER_EVENTS:,} events in 10 streams")
    seed(logs, "/bench/filter", streams, FILTER_EVENTS)
    request = cw.presign("logs", server.endpoint, server.key, server.secret, "filter_log_events",
                         logGroupName="/bench/filter", filterPattern="ERROR")
    answer = json.loads(cw.check_ok(f"{name} FilterLogEvents", server.endpoint, request))
    matched = len(answer["events"])
    script = os.path.join(work, f"{name}-filter.lua")
    cw.wrk_script(script, [request])
    log(f"{name} FilterLogEvents over {FILTER_EVENTS:,} events ({matched:,} match): wrk -c{CONNECTIONS} "
        f"-d{DURATION}s")
    perf = None
    if PERF and admiral:
        perf = cw.Load(["perf", "record", "-F", "499", "-g", "-p", str(server.pid), "-o",
                        os.path.join(work, "server-filter.perf")], subprocess.DEVNULL)
    result = cw.run_wrk(server.endpoint, script, DURATION, os.path.join(work, f"{name}-filter.txt"), server.pid)
    if perf:
        os.killpg(perf.process.pid, signal.SIGINT)
        perf.wait(60)
    if result["non_2xx"]:
        raise RuntimeError(f"{name} FilterLogEvents: errors: {result}")
    result.update(matched=matched, next_token="nextToken" in answer,
                  scanned_per_sec=result["requests_per_sec"] * FILTER_EVENTS)
    log(f"    {result['requests_per_sec']:,.1f} calls/s, p50 {result['p50_ms']:.1f} ms")
    results["filter"] = result
    return results


def api(work):
    out = {}
    server = cw.Admiral(work, "admiral-api")
    try:
        out["admiral"] = api_server(work, "admiral", server)
    finally:
        server.stop()
    server = cw.Moto(work)
    server.accepts_gzip = False
    try:
        out["moto"] = api_server(work, "moto", server)
    finally:
        server.stop()
    return out


# ------------------------------------------------------------------------------ 3. million

def million(work):
    server = cw.Admiral(work, "admiral-million")
    try:
        streams = [f"s{n:02d}" for n in range(20)]
        logs = prepare(server, "/bench/million", streams)
        log(f"million: seeding {MILLION:,} events in 20 streams")
        began = time.time()
        seed(logs, "/bench/million", streams, MILLION)
        seeded = time.time() - began
        out = {"events": MILLION, "seed_seconds": seeded, "cases": []}
        for label, kwargs in (("term ERROR (1 % match)", dict(filterPattern="ERROR")),
                              ("JSON { $.latency > 990 } (0.9 % match)", dict(filterPattern="{ $.latency > 990 }")),
                              ("term that matches nothing", dict(filterPattern="NOSUCHWORD")),
                              ("one stream of 20, ERROR", dict(filterPattern="ERROR", logStreamNames=["s07"]))):
            times, found = [], None
            for _ in range(QUERY_CALLS):
                began, matched, pages, token = time.perf_counter(), 0, 0, None
                while True:
                    args = dict(logGroupName="/bench/million", **kwargs)
                    if token:
                        args["nextToken"] = token
                    page = logs.filter_log_events(**args)
                    matched += len(page["events"])
                    pages += 1
                    token = page.get("nextToken")
                    if not token:
                        break
                times.append(time.perf_counter() - began)
                found = (matched, pages)
            out["cases"].append({"label": label, "matched": found[0], "pages": found[1],
                                 "p50": percentile(times, 50), "max": max(times), "calls": len(times)})
            log(f"million: {label}: {found[0]:,} events in {found[1]} pages, p50 {percentile(times, 50):.2f} s")
        return out
    finally:
        server.stop()


# ------------------------------------------------------------------------------ 4. control

def control(work):
    server = cw.Admiral(work, "admiral-control")
    agent = None
    try:
        agent = Agent(os.environ["ADMIRAL_BINARY"], server.server, CLUSTER, os.path.join(work, "agents"),
                      ["--runtime", "simulated", "--count", str(INSTANCES), "--cpu", "4096", "--memory", "16384",
                       "--availability-zone", "us-east-1a", "--availability-zone", "us-east-1b"]).start()
        ecs = cw.client("ecs", server.endpoint, server.key, server.secret)
        ecs.create_cluster(clusterName=CLUSTER)
        ecs.register_task_definition(family=RUN_FAMILY, containerDefinitions=CONTAINERS)
        prepare(server, "/bench/control", ["s"])
        wait_for(f"{INSTANCES} simulated instances", lambda: ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0][
            "registeredContainerInstancesCount"] == INSTANCES, timeout=300, interval=0.5)
        runs = {"none": [], "full": []}
        for round_number in range(CONTROL_ROUNDS):
            batch = put_requests(server, "/bench/control", "s", BIG_BATCH, BIG_CALLS)
            script = os.path.join(work, f"control-put-{round_number}.lua")
            cw.wrk_script(script, batch)
            request = cw.presign("ecs", server.endpoint, server.key, server.secret, "run_task", cluster=CLUSTER,
                                 taskDefinition=RUN_FAMILY, count=1)
            if round_number == 0:
                answer = json.loads(cw.check_ok("RunTask", server.endpoint, request))
                if len(answer.get("tasks", [])) != 1 or answer.get("failures"):
                    raise RuntimeError(f"RunTask: {answer}")
            order = ("none", "full") if round_number % 2 == 0 else ("full", "none")
            for condition in order:
                runs[condition].append(control_run(work, f"control-{condition}-{round_number}", server, request,
                                                   condition, script))
        return {condition: pool(rows) for condition, rows in runs.items()}
    finally:
        if agent:
            agent.stop()
        server.stop()


def control_run(work, name, server, request, condition, script):
    load = None
    span = CONTROL_SECONDS + 3
    if condition == "full":
        load_out = os.path.join(work, name + "-put.txt")
        load = cw.Load(cw.wrk_argv(server.endpoint, script, span), open(load_out, "w"))
    try:
        if load:
            time.sleep(1.5)
        log(f"{name}: RunTask at {CONTROL_RATE} calls/s for {CONTROL_SECONDS} s, PutLogEvents: {condition}")
        cpu_before, began = cw.cpu_seconds(server.pid), time.time()
        probe, probe_out = cw.paced_load(work, name, server.endpoint, [request], CONTROL_RATE, CONTROL_SECONDS, 4)
        if probe.wait(CONTROL_SECONDS + 60) != 0:
            raise RuntimeError(f"{name}: the paced client failed: {probe.process.stderr.read()[:400]!r}")
        row = json.load(open(probe_out))
        row["server_cpu"] = (cw.cpu_seconds(server.pid) - cpu_before) / (time.time() - began)
        if row["statuses"].get("200", 0) != row["calls"] or row["error_count"] or row["calls"] != row["planned"]:
            raise RuntimeError(f"{name}: {row}")
        if load:
            if load.wait(span + 60) != 0:
                raise RuntimeError(f"{name}: wrk failed: {load.process.stderr.read()[:400]!r}")
            put = cw.parse_wrk(load_out)
            if put["non_2xx"] or any(put["socket_errors"].values()):
                raise RuntimeError(f"{name}: PutLogEvents had errors: {put}")
            row["events_per_sec"] = put["requests_per_sec"] * BIG_BATCH
        log(f"    p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms"
            + (f"; {row['events_per_sec']:,.0f} events/s stored" if load else ""))
        return row
    finally:
        if load:
            load.kill()


def pool(rows):
    latencies = [x for row in rows for x in row["latencies_ms"]]
    pooled = {"calls": len(latencies), "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
              "round_p99_ms": [row["p99_ms"] for row in rows],
              "server_cpu": sum(row["server_cpu"] for row in rows) / len(rows)}
    if "events_per_sec" in rows[0]:
        pooled["events_per_sec"] = sum(row["events_per_sec"] for row in rows) / len(rows)
    return pooled


# ------------------------------------------------------------------------------ report

INTRO = """## Container logs

`benchmarks/logs/run.sh` (`run.py` has the details) measures the awslogs path end to end
on real Docker containers and the CloudWatch Logs API beside moto's `moto_server`.
"""

fmt_ms, yes = cw.fmt_ms, cw.yes


def fmt_s(x):
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def render(r):
    lines, verdicts = [], []
    if "delivery" in r:
        d = r["delivery"]
        floor, flat, paced = d["floor"], d["flat"], d["paced"]
        lines += [f"A container printing {flat['lines']:,} numbered lines of {LINE_BYTES} bytes (busybox awk), "
                  "on the benchmark's Docker daemon:", "",
                  "| Run | Lines | Printed (Docker's timestamps) | Delivered: readable through GetLogEvents | "
                  "Delay p50 | Delay p99 | Delay max | Stored p99 (ingestionTime) |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                  f"| json-file driver alone (the floor) | {floor['lines']:,} | {floor['lines_per_sec']:,.0f} lines/s | "
                  "| | | | |"]
        for label, x in (("awslogs, flat out", flat),
                         (f"awslogs, paced at half the floor ({paced['target_rate']:,.0f} lines/s asked)", paced)):
            lines.append(f"| {label} | {x['lines']:,} | {x['print_lines_per_sec']:,.0f} lines/s in "
                         f"{x['print_seconds']:.2f} s | {x['delivered_lines_per_sec']:,.0f} lines/s in "
                         f"{x['delivered_seconds']:.2f} s | {fmt_s(x['delay_p50'])} | {fmt_s(x['delay_p99'])} | "
                         f"{fmt_s(x['delay_max'])} | {fmt_s(x['stored_p99'])} |")
        lines += ["", f"Flat out, the agent used {flat['agent_cpu_seconds']:.1f} s of CPU and the server "
                  f"{flat['server_cpu_seconds']:.1f} s. Every line was read back once, in order, in both runs. "
                  "Delay is from Docker's timestamp of a line to the arrival of the first GetLogEvents answer "
                  f"(newest event, polled every {POLL_MS} ms) that held it or a later line.", ""]
        ratio = flat["delivered_lines_per_sec"] / floor["lines_per_sec"]
        verdicts += [("Delivery flat out / json-file's rate", f"{ratio:.2f}x", ">= 0.5x", ratio >= 0.5),
                     ("Delay p99, flat out", fmt_s(flat["delay_p99"]), "< 2 s", flat["delay_p99"] < 2),
                     (f"Delay p99 at {paced['print_lines_per_sec']:,.0f} lines/s "
                      f"({paced['print_lines_per_sec'] / floor['lines_per_sec']:.2f}x json-file's rate)",
                      fmt_s(paced["delay_p99"]), "< 2 s", paced["delay_p99"] < 2)]
    if "api" in r:
        a, m = r["api"]["admiral"], r["api"]["moto"]
        lines += [f"PutLogEvents and FilterLogEvents replayed by `wrk -t1 -c{CONNECTIONS} -d{r['duration']}s` "
                  "(pre-signed requests built by boto3), the same calls to both servers:", "",
                  "| Calls | Server | Calls/s | Events/s | p50 | p99 | Server CPU | Calls measured |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for kind, label in (("big", f"PutLogEvents, {BIG_BATCH:,} events"),
                            ("small", f"PutLogEvents, {SMALL_BATCH} events")):
            for server, x in (("Admiral", a[kind]), (f"moto {r['moto_version']}", m[kind])):
                lines.append(f"| {label} | {server} | {x['requests_per_sec']:,.0f} | {x['events_per_sec']:,.0f} | "
                             f"{fmt_ms(x['p50_ms'])} | {fmt_ms(x['p99_ms'])} | {x['server_cpu']:.2f} cores | "
                             f"{x['requests']:,} |")
        for server, x in (("Admiral", a["filter"]), (f"moto {r['moto_version']}", m["filter"])):
            lines.append(f"| FilterLogEvents `ERROR` over {FILTER_EVENTS:,} events ({x['matched']:,} match) | "
                         f"{server} | {x['requests_per_sec']:,.1f} | {x['scanned_per_sec']:,.0f} scanned | "
                         f"{fmt_ms(x['p50_ms'])} | {fmt_ms(x['p99_ms'])} | {x['server_cpu']:.2f} cores | "
                         f"{x['requests']:,} |")
        lines += ["", f"A {BIG_BATCH:,}-event call is {a['big']['body_bytes']:,} bytes; Admiral's stored bytes "
                  f"matched the calls answered ({a['big']['stored_calls']:,} and {a['small']['stored_calls']:,} "
                  "calls). moto_server serves on one core at most.", ""]
        for kind, label in (("big", f"PutLogEvents {BIG_BATCH:,} events"), ("small", f"PutLogEvents {SMALL_BATCH} events"),
                            ("filter", "FilterLogEvents")):
            ratio = a[kind]["requests_per_sec"] / m[kind]["requests_per_sec"]
            verdicts.append((f"{label}: Admiral / moto calls/s", f"{ratio:,.1f}x", ">= 20x", ratio >= 20))
    if "million" in r:
        x = r["million"]
        lines += [f"FilterLogEvents over {x['events']:,} events in one group (20 streams; seeded in "
                  f"{x['seed_seconds']:.1f} s through PutLogEvents), every page of a query with boto3, "
                  f"{x['cases'][0]['calls']} queries each:", "",
                  "| Query | Events found | Pages | p50 | max | Events scanned/s (p50) |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for case in x["cases"]:
            scanned = x["events"] / 20 if case["label"].startswith("one stream") else x["events"]
            lines.append(f"| {case['label']} | {case['matched']:,} | {case['pages']} | {fmt_s(case['p50'])} | "
                         f"{fmt_s(case['max'])} | {scanned / case['p50']:,.0f} |")
        lines.append("")
    if "control" in r:
        c = r["control"]
        base = c["none"]["p99_ms"]
        lines += [f"RunTask at {CONTROL_RATE} calls/s (open loop, 4 connections, {INSTANCES} simulated instances) "
                  f"for {CONTROL_SECONDS} s per run, {CONTROL_ROUNDS} rounds; the log traffic is PutLogEvents of "
                  f"{BIG_BATCH:,} events replayed by wrk `-c{CONNECTIONS}` flat out (not containers):", "",
                  "| Log traffic | Calls | p50 | p99 | p99 of each round | p99 / none | Server CPU |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for condition, label in (("none", "none"), ("full", "PutLogEvents flat out")):
            row = c[condition]
            if "events_per_sec" in row:
                label += f": {row['events_per_sec']:,.0f} events/s stored"
            rounds = ", ".join(f"{x:.1f}" for x in row["round_p99_ms"])
            lines.append(f"| {label} | {row['calls']:,} | {fmt_ms(row['p50_ms'])} | {fmt_ms(row['p99_ms'])} | "
                         f"{rounds} ms | {row['p99_ms'] / base:.2f}x | {row['server_cpu']:.2f} cores |")
        ratio = c["full"]["p99_ms"] / base
        verdicts.append(("RunTask p99 with PutLogEvents flat out / without", f"{ratio:.2f}x", "<= 1.2x", ratio <= 1.2))
        lines.append("")
    if verdicts:
        lines += ["| Target | Measured | Target | Met |", "| --- | ---: | ---: | --- |"]
        lines += [f"| {name} | {value} | {target} | {yes(met)} |" for name, value, target, met in verdicts]
    return "\n".join(lines), verdicts


def record(doc, r, table, verdicts):
    load = "; ".join(f"{part} {values}" for part, values in r["loads"])
    section = "\n".join([
        BEGIN, "", "### Latest results", "",
        f"- Date: {r['date']}",
        f"- Command: `{r['command']}`",
        f"- Machine: {cw.machine()}; servers, agent, Docker, wrk and the Python clients share it",
        f"- Load averages (1, 5, 15 min) and CPU pressure before each part: {load}; after: {r['load_after']}",
        f"- Admiral: release build of {r['revision']}, Swift {r['swift_version']}; moto {r['moto_version']} "
        f"(`moto_server`); wrk {r['wrk_version']}; Docker {r['docker_version']}",
        "", table, "",
        f"All targets met: {yes(all(met for *_, met in verdicts))}.", "", END])
    cw.write_results(doc, BEGIN, END, section, INTRO)


def main(argv):
    doc = None
    if len(argv) == 3 and argv[1] == "--record":
        doc = argv[2]
    elif len(argv) != 1:
        sys.exit(__doc__)
    if set(PARTS) - ALL_PARTS:
        sys.exit(f"run.py: unknown PARTS {sorted(set(PARTS) - ALL_PARTS)}")
    if doc and set(PARTS) != ALL_PARTS:
        sys.exit("run.py: --record needs every part (leave PARTS unset)")
    if doc and PERF:
        sys.exit("run.py: PERF=1 slows what it profiles; do not --record with it")
    if "delivery" in PARTS and not DOCKER_HOST:
        sys.exit("run.py: the delivery part needs ADMIRAL_DOCKER_HOST")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = scratch("logs")
    docker_version = "?"
    if DOCKER_HOST:
        docker_version = json.loads(Docker(DOCKER_HOST).request("GET", "/version")).get("Version", "?")
    r = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
         "command": os.environ.get("BENCH_COMMAND", "benchmarks/logs/run.sh"), "duration": DURATION, "loads": [],
         "docker_version": docker_version, **cw.versions()}
    ok = False
    try:
        for part, run in (("delivery", delivery), ("api", api), ("million", million), ("control", control)):
            if part in PARTS:
                r["loads"].append((part, cw.loadavg()))
                r[part] = run(work)
        r["load_after"] = cw.loadavg()
        json.dump(r, open(os.path.join(work, "results.json"), "w"), indent=1, default=str)
        table, verdicts = render(r)
        print(table)
        if doc:
            record(doc, r, table, verdicts)
        ok = True
    finally:
        if ok and os.environ.get("KEEP_WORK") != "1" and not PERF:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"logs, wrk reports and results.json kept in {work}")


if __name__ == "__main__":
    main(sys.argv)
