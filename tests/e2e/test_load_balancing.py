"""The load balancer's data plane end to end: real HTTP through Admiral's listeners to
real targets (busybox httpd tasks of ECS services, and small HTTP servers of the test
itself), with health checks, draining, the 5xx answers, path rules routing to two
services, and rolling deployments under load with no failed request."""
import http.server
import json
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from conftest import TEST_IMAGE, docker, wait_for

SUBNETS = ["subnet-us-east-1a", "subnet-us-east-1b"]
FAST = ["--service-healthy-after", "1"]


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Backend:
    """A small HTTP server of the test's own: `/` answers its name, `/health` 200 unless
    made to fail, `/slow` answers after two seconds."""

    def __init__(self, name):
        self.name = name
        self.healthy = True
        self.requests = 0
        backend = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                if self.path == "/health":
                    status = 200 if backend.healthy else 500
                else:
                    backend.requests += 1
                    status = 200
                    if self.path == "/slow":
                        time.sleep(2)
                body = backend.name.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def backends():
    made = []

    def make(name):
        backend = Backend(name)
        made.append(backend)
        return backend
    yield make
    for backend in made:
        try:
            backend.close()
        except Exception:
            pass


def balancer(elb, name, port, group_arn):
    lb = elb.create_load_balancer(Name=name, Subnets=SUBNETS)["LoadBalancers"][0]
    listener = elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=port,
                                   DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}])["Listeners"][0]
    return lb, listener


def target_group(elb, name, target_type="ip", port=80, **kwargs):
    settings = dict(HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2, HealthyThresholdCount=2,
                    UnhealthyThresholdCount=2, HealthCheckPath="/health")
    settings.update(kwargs)
    group = elb.create_target_group(Name=name, Protocol="HTTP", Port=port, TargetType=target_type,
                                    VpcId="vpc-admiral", **settings)["TargetGroups"][0]
    return group["TargetGroupArn"]


def states(elb, group):
    return {(h["Target"]["Id"], h["Target"]["Port"]): h["TargetHealth"]["State"]
            for h in elb.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]}


def test_health_checks_draining_and_the_5xx_answers(server, backends):
    elb = server.boto3("elbv2")
    port = free_port()
    group = target_group(elb, unique("tg"))
    elb.modify_target_group_attributes(TargetGroupArn=group, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "4"}])
    lb, listener = balancer(elb, unique("lb"), port, group)
    address = lb["DNSName"]
    url = f"http://{address}:{port}"

    # No registered target: 503.
    status, _ = get(url + "/")
    assert status == 503

    blue, green = backends("blue"), backends("green")
    elb.register_targets(TargetGroupArn=group, Targets=[
        {"Id": "127.0.0.1", "Port": blue.port}, {"Id": "127.0.0.1", "Port": green.port}])
    wait_for("both healthy", lambda: set(states(elb, group).values()) == {"healthy"})
    answers = {get(url + "/")[1] for _ in range(20)}
    assert answers == {"blue", "green"}

    # A target failing its checks is unhealthy after UnhealthyThresholdCount (2) failed
    # checks, an interval (5 s) apart, so not before one interval has passed; and then
    # gets no requests.
    green.healthy = False
    failed_at = time.time()
    wait_for("green unhealthy", lambda: states(elb, group)[("127.0.0.1", green.port)] == "unhealthy")
    assert time.time() - failed_at >= 5 - 0.5
    health = {h["Target"]["Port"]: h["TargetHealth"]
              for h in elb.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]}
    assert health[green.port]["Reason"] == "Target.ResponseCodeMismatch"
    before = green.requests
    assert {get(url + "/")[1] for _ in range(20)} == {"blue"}
    assert green.requests == before

    # Deregistration drains: an in-flight request completes, no new ones go to the target,
    # and it leaves after deregistration_delay.
    green.healthy = True
    wait_for("green healthy again", lambda: states(elb, group)[("127.0.0.1", green.port)] == "healthy")
    slow = {}
    counts = (blue.requests, green.requests)
    thread = threading.Thread(target=lambda: slow.update(result=get(f"http://{address}:{port}/slow", timeout=15)))
    thread.start()
    wait_for("the slow request reached a target", lambda: (blue.requests, green.requests) != counts, interval=0.02)
    busy, other = (blue, green) if blue.requests != counts[0] else (green, blue)
    elb.deregister_targets(TargetGroupArn=group, Targets=[{"Id": "127.0.0.1", "Port": busy.port}])
    deregistered_at = time.time()
    # DescribeTargetHealth shows `draining` once the data plane drains the target.
    wait_for("draining", lambda: states(elb, group).get(("127.0.0.1", busy.port)) == "draining")
    assert {get(url + "/")[1] for _ in range(10)} == {other.name}
    thread.join()
    assert slow["result"] == (200, busy.name)
    wait_for("the drained target gone", lambda: ("127.0.0.1", busy.port) not in states(elb, group))
    assert time.time() - deregistered_at >= 3.5

    # A target that refuses connections: 502 (it is the only one, so the group fails open).
    # The data plane applies a change a moment after the API acknowledged it: until it
    # has applied both, a request still meets the old target (200) or no target (503).
    closed = free_port()
    elb.deregister_targets(TargetGroupArn=group, Targets=[{"Id": "127.0.0.1", "Port": other.port}])
    elb.register_targets(TargetGroupArn=group, Targets=[{"Id": "127.0.0.1", "Port": closed}])
    status = wait_for("the closed target in use",
                      lambda: (lambda s: s if s not in (200, 503) else None)(get(url + "/")[0]))
    assert status == 502

    # A target that accepts and never answers: 504 after the idle timeout.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        elb.modify_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"], Attributes=[
            {"Key": "idle_timeout.timeout_seconds", "Value": "2"}])
        elb.register_targets(TargetGroupArn=group, Targets=[{"Id": "127.0.0.1", "Port": silent.getsockname()[1]}])
        elb.deregister_targets(TargetGroupArn=group, Targets=[{"Id": "127.0.0.1", "Port": closed}])
        # Until the data plane has applied both changes a request still meets the closed
        # target (502) or no target (503); the first other answer comes from the silent one.
        def answer():
            started = time.time()
            status, _ = get(url + "/", timeout=30)
            return None if status in (502, 503) else (status, time.time() - started)
        status, waited = wait_for("the silent target in use", answer)
        assert status == 504
        assert waited >= 1.5
    finally:
        silent.close()

    # A fixed-response rule and a redirect answer without any target.
    elb.create_rule(ListenerArn=listener["ListenerArn"], Priority=1, Conditions=[
        {"Field": "path-pattern", "Values": ["/teapot*"]}], Actions=[
        {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "418", "ContentType": "text/plain",
                                                            "MessageBody": "short and stout"}}])
    # Like ALB's, the data plane applies a change a moment after the API acknowledged it.
    wait_for("the rule applied", lambda: get(url + "/teapot") == (418, "short and stout"))


WEB = "mkdir -p /tmp/w/{path} && echo {text} > /tmp/w/{path}/index.html && echo ok > /tmp/w/health && exec httpd -f -p 80 -h /tmp/w"


def web_task(ecs, family, text, path=""):
    ecs.register_task_definition(family=family, containerDefinitions=[{
        "name": "web", "image": TEST_IMAGE, "memory": 32, "stopTimeout": 2,
        "command": ["sh", "-c", WEB.format(path=path, text=text)],
        "portMappings": [{"containerPort": 80, "hostPort": 0}]}])


def test_the_guides_example_routes_paths_to_two_services(make_server, make_agent):
    server = make_server(extra_args=FAST)
    ecs, elb = server.boto3(), server.boto3("elbv2")
    cluster = unique("guide")
    ecs.create_cluster(clusterName=cluster)
    make_agent(server, cluster, ["--memory", "512"]).arn()
    web_task(ecs, "edges", "edges")
    web_task(ecs, "cubebuster", "cubebuster", path="cubebuster")
    edges_group = target_group(elb, unique("edges"), target_type="instance")
    cube_group = target_group(elb, unique("cube"), target_type="instance")
    port = free_port()
    lb, listener = balancer(elb, unique("site"), port, edges_group)
    elb.create_rule(ListenerArn=listener["ListenerArn"], Priority=2,
                    Conditions=[{"Field": "path-pattern", "Values": ["/"]}],
                    Actions=[{"Type": "forward", "TargetGroupArn": edges_group}])
    elb.create_rule(ListenerArn=listener["ListenerArn"], Priority=1,
                    Conditions=[{"Field": "path-pattern", "Values": ["/cubebuster*"]}],
                    Actions=[{"Type": "forward", "TargetGroupArn": cube_group}])
    for name, group in (("edges", edges_group), ("cubebuster", cube_group)):
        server.aws("ecs", "create-service", "--cluster", cluster, "--service-name", name, "--task-definition", name,
                   "--desired-count", "2", "--load-balancers",
                   f"targetGroupArn={group},containerName=web,containerPort=80")
    for name in ("edges", "cubebuster"):
        wait_for(f"{name} steady", lambda: (lambda s: s["runningCount"] == 2 and s["deployments"][0]["rolloutState"]
                                            == "COMPLETED")(ecs.describe_services(cluster=cluster, services=[name])[
                                                "services"][0]), timeout=120, interval=0.5)
    url = f"http://{lb['DNSName']}:{port}"
    assert get(url + "/") == (200, "edges\n")
    assert get(url + "/cubebuster/") == (200, "cubebuster\n")
    # The group's healthy targets are the service's two running tasks. (A task replaced
    # after failing its health checks on a busy machine would still be listed, draining.)
    health = elb.describe_target_health(TargetGroupArn=cube_group)["TargetHealthDescriptions"]
    healthy = [h for h in health if h["TargetHealth"]["State"] == "healthy"]
    replaced = ecs.list_tasks(cluster=cluster, serviceName="cubebuster", desiredStatus="STOPPED")["taskArns"]
    assert len(healthy) == 2 and len(health) <= 2 + len(replaced), health
    assert {h["TargetHealth"]["State"] for h in health} <= {"healthy", "draining"}, health
    tasks = ecs.describe_tasks(cluster=cluster, tasks=ecs.list_tasks(
        cluster=cluster, serviceName="cubebuster")["taskArns"])["tasks"]
    ports = sorted(t["containers"][0]["networkBindings"][0]["hostPort"] for t in tasks)
    health = healthy
    assert sorted(h["Target"]["Port"] for h in health) == ports
    instance = ecs.describe_container_instances(cluster=cluster, containerInstances=[tasks[0]["containerInstanceArn"]])[
        "containerInstances"][0]
    assert {h["Target"]["Id"] for h in health} == {instance["ec2InstanceId"]}


# wrk's script: a request every 5 ms per connection; each thread counts the answers by
# page (v1, v2, anything else) and writes a file at its first answer; `done` adds up the
# threads' counts. wrk runs until it is interrupted (SIGINT), then prints the RESULT line.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) v1 = 0; v2 = 0; other = 0; marked = false end
function delay() return 5 end
function response(status, headers, body)
  if body == "v1\\n" then v1 = v1 + 1 elseif body == "v2\\n" then v2 = v2 + 1 else other = other + 1 end
  if not marked then
    marked = true
    local f = io.open("%(marker)s", "w"); f:write("on"); f:close()
  end
end
done = function(s, l, r)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do a = a + t:get("v1"); b = b + t:get("v2"); c = c + t:get("other") end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n", s.requests, s.errors.status,
    s.errors.connect, s.errors.read, s.errors.write, s.errors.timeout, a, b, c))
end
"""


@pytest.mark.parametrize("minimum,maximum", [(100, 200), (50, 100)])
def test_a_rolling_deployment_under_load_loses_no_request(make_server, make_agent, minimum, maximum, tmp_path):
    server = make_server(extra_args=FAST)
    ecs, elb = server.boto3(), server.boto3("elbv2")
    cluster = unique("load")
    ecs.create_cluster(clusterName=cluster)
    make_agent(server, cluster, ["--memory", "512"]).arn()
    web_task(ecs, "site", "v1")
    group = target_group(elb, unique("site"), target_type="instance")
    elb.modify_target_group_attributes(TargetGroupArn=group, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "3"}])
    port = free_port()
    lb, _ = balancer(elb, unique("site"), port, group)
    ecs.create_service(cluster=cluster, serviceName="site", taskDefinition="site", desiredCount=2,
                       loadBalancers=[{"targetGroupArn": group, "containerName": "web", "containerPort": 80}],
                       deploymentConfiguration={"minimumHealthyPercent": minimum, "maximumPercent": maximum})

    def steady(revision):
        s = ecs.describe_services(cluster=cluster, services=["site"])["services"][0]
        return (s["runningCount"] == 2 and len(s["deployments"]) == 1
                and s["deployments"][0]["rolloutState"] == "COMPLETED" and s["taskDefinition"].endswith(revision))

    def tasks(status):
        arns = ecs.list_tasks(cluster=cluster, serviceName="site", desiredStatus=status)["taskArns"]
        return ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []
    wait_for("v1 steady", lambda: steady("site:1"), timeout=120, interval=0.5)
    url = f"http://{lb['DNSName']}:{port}/"
    assert get(url) == (200, "v1\n")
    old = {t["taskArn"] for t in tasks("RUNNING")}
    assert len(old) == 2
    web_task(ecs, "site", "v2")
    marker = tmp_path / "wrk-answered"
    script = tmp_path / "rate.lua"
    script.write_text(WRK_SCRIPT % {"marker": marker})
    # The load runs from before the update until the deployment is over, however long it
    # takes; a request unanswered for 30 s counts as lost.
    load = subprocess.Popen(["wrk", "-t2", "-c8", "-d3600s", "--timeout", "30s", "-s", str(script), url],
                            stdout=subprocess.PIPE, text=True)
    try:
        wait_for("the load answered", marker.exists)
        ecs.update_service(cluster=cluster, service="site", taskDefinition="site:2")
        wait_for("v2 steady", lambda: steady("site:2"), timeout=180, interval=0.5)
        # The load lasts until the old tasks have drained and stopped.
        wait_for("the old tasks stopped", lambda: all(
            t["lastStatus"] == "STOPPED" for t in ecs.describe_tasks(cluster=cluster, tasks=list(old))["tasks"]))
    finally:
        load.send_signal(signal.SIGINT)
        output, _ = load.communicate(timeout=60)
    result = [line for line in output.splitlines() if line.startswith("RESULT")][0].split()[1:]
    requests, status_errors, connect, read, write, timeouts, v1, v2, other = map(int, result)
    assert (status_errors, connect, read, write, timeouts) == (0, 0, 0, 0, 0), output
    # Every request was answered by one revision or the other, and the load spanned the
    # switch: both answered.
    assert v1 + v2 == requests and other == 0, output
    assert v1 > 0 and v2 > 0, output
    assert get(url) == (200, "v2\n")

    # ECS's promises: the scheduler stopped every old task, and desiredCount tasks of the
    # new revision run. A task that failed its ELB health checks (on a busy machine, a
    # server slow to start answering) is stopped and replaced as on ECS, by the scheduler
    # too, whichever revision it runs; nothing else is stopped.
    running = tasks("RUNNING")
    stopped = tasks("STOPPED")
    summary = [(t["taskArn"].split("/")[-1], t["taskDefinitionArn"].split("/")[-1], t.get("stopCode"),
                t.get("stoppedReason")) for t in stopped]
    events = [e["message"] for e in ecs.describe_services(cluster=cluster, services=["site"])["services"][0]["events"]]
    assert len(running) == 2 and {t["taskDefinitionArn"].split("/")[-1] for t in running} == {"site:2"}
    assert old <= {t["taskArn"] for t in stopped}, (summary, events)
    assert all(t["stopCode"] == "ServiceSchedulerInitiated" for t in stopped), (summary, events)
    assert all(t["stoppedReason"].startswith("Scaling activity initiated by (deployment ")
               for t in stopped if t["taskArn"] in old), (summary, events)
    assert all(t["stoppedReason"].startswith("Task failed ELB health checks")
               for t in stopped if t["taskArn"] not in old), (summary, events)


def closed_within(connection, seconds):
    """Whether the peer ends the connection within `seconds` (end of stream or reset)."""
    connection.settimeout(seconds)
    try:
        while connection.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def test_client_header_and_idle_timeouts_and_bare_lf_targets(server):
    # idle_timeout.timeout_seconds (2 here) closes a client that sends half a request head
    # and goes quiet, and, as the header timeout (the idle timeout, at most 60 s), one that
    # keeps trickling a head that never ends. The bounds only end waits that would
    # otherwise never end.
    elb = server.boto3("elbv2")
    port = free_port()
    lb = elb.create_load_balancer(Name=unique("lb"), Subnets=SUBNETS)["LoadBalancers"][0]
    elb.modify_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"], Attributes=[
        {"Key": "idle_timeout.timeout_seconds", "Value": "2"}])
    listener = elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=port, DefaultActions=[
        {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200", "MessageBody": "fixed"}}])["Listeners"][0]
    address = (lb["DNSName"], port)
    wait_for("the listener up", lambda: get(f"http://{address[0]}:{port}/") == (200, "fixed"))

    half = socket.create_connection(address)
    half.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Half")
    assert closed_within(half, 20)
    half.close()

    trickle = socket.create_connection(address)
    trickle.sendall(b"GET / HTTP/1.1\r\n")
    started = time.time()
    line = 0
    try:
        while time.time() - started < 20:
            time.sleep(0.25)
            line += 1
            trickle.sendall(f"X-Line-{line}: x\r\n".encode())
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert closed_within(trickle, 5), "a head trickled for 20 s was never cut off"
    assert time.time() - started < 15
    trickle.close()

    # A target whose response head ends its lines with a bare LF is relayed (with CRLF).
    target = socket.socket()
    target.bind(("127.0.0.1", 0))
    target.listen(16)

    def serve(connection):
        with connection:
            connection.settimeout(5)
            try:
                while connection.recv(65536):
                    connection.sendall(b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok")
            except OSError:
                pass

    def accept():
        while True:
            try:
                connection, _ = target.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
    threading.Thread(target=accept, daemon=True).start()
    try:
        group = target_group(elb, unique("tg"))
        elb.register_targets(TargetGroupArn=group, Targets=[{"Id": "127.0.0.1", "Port": target.getsockname()[1]}])
        elb.modify_listener(ListenerArn=listener["ListenerArn"], DefaultActions=[
            {"Type": "forward", "TargetGroupArn": group}])
        assert wait_for("the raw target answers", lambda: (lambda a: a if a != (200, "fixed") else None)(
            get(f"http://{address[0]}:{port}/"))) == (200, "ok")
    finally:
        target.close()
