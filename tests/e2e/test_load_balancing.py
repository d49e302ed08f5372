"""The load balancer's data plane end to end: real HTTP through Admiral's listeners to
real targets (busybox httpd tasks of ECS services, and small HTTP servers of the test
itself), with health checks, draining, the 5xx answers, path rules routing to two
services, and rolling deployments under load with no failed request."""
import http.server
import json
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
    wait_for("both healthy", lambda: set(states(elb, group).values()) == {"healthy"}, timeout=30)
    answers = {get(url + "/")[1] for _ in range(20)}
    assert answers == {"blue", "green"}

    # A target failing its checks is unhealthy after UnhealthyThresholdCount x interval
    # (2 x 5 s) and gets no requests.
    green.healthy = False
    failed_at = time.time()
    wait_for("green unhealthy", lambda: states(elb, group)[("127.0.0.1", green.port)] == "unhealthy", timeout=30)
    assert time.time() - failed_at <= 2 * 5 + 5 + 3
    health = {h["Target"]["Port"]: h["TargetHealth"]
              for h in elb.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]}
    assert health[green.port]["Reason"] == "Target.ResponseCodeMismatch"
    before = green.requests
    assert {get(url + "/")[1] for _ in range(20)} == {"blue"}
    assert green.requests == before

    # Deregistration drains: an in-flight request completes, no new ones go to the target,
    # and it leaves after deregistration_delay.
    green.healthy = True
    wait_for("green healthy again", lambda: states(elb, group)[("127.0.0.1", green.port)] == "healthy", timeout=30)
    slow = {}
    counts = (blue.requests, green.requests)
    thread = threading.Thread(target=lambda: slow.update(result=get(f"http://{address}:{port}/slow", timeout=15)))
    thread.start()
    wait_for("the slow request reached a target", lambda: (blue.requests, green.requests) != counts, timeout=5,
             interval=0.02)
    busy, other = (blue, green) if blue.requests != counts[0] else (green, blue)
    elb.deregister_targets(TargetGroupArn=group, Targets=[{"Id": "127.0.0.1", "Port": busy.port}])
    deregistered_at = time.time()
    wait_for("draining", lambda: states(elb, group).get(("127.0.0.1", busy.port)) == "draining", timeout=5)
    assert {get(url + "/")[1] for _ in range(10)} == {other.name}
    thread.join()
    assert slow["result"] == (200, busy.name)
    wait_for("the drained target gone", lambda: ("127.0.0.1", busy.port) not in states(elb, group), timeout=15)
    assert time.time() - deregistered_at >= 3.5

    # A target that refuses connections: 502 (it is the only one, so the group fails open).
    closed = free_port()
    elb.deregister_targets(TargetGroupArn=group, Targets=[{"Id": "127.0.0.1", "Port": other.port}])
    elb.register_targets(TargetGroupArn=group, Targets=[{"Id": "127.0.0.1", "Port": closed}])
    status, _ = get(url + "/")
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
        time.sleep(0.5)
        started = time.time()
        status, _ = get(url + "/", timeout=15)
        assert status == 504
        assert time.time() - started >= 1.5
    finally:
        silent.close()

    # A fixed-response rule and a redirect answer without any target.
    elb.create_rule(ListenerArn=listener["ListenerArn"], Priority=1, Conditions=[
        {"Field": "path-pattern", "Values": ["/teapot*"]}], Actions=[
        {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "418", "ContentType": "text/plain",
                                                            "MessageBody": "short and stout"}}])
    # Like ALB's, the data plane applies a change a moment after the API acknowledged it.
    wait_for("the rule applied", lambda: get(url + "/teapot") == (418, "short and stout"), timeout=5)


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
                                                "services"][0]), timeout=60, interval=0.5)
    url = f"http://{lb['DNSName']}:{port}"
    assert get(url + "/") == (200, "edges\n")
    assert get(url + "/cubebuster/") == (200, "cubebuster\n")
    health = elb.describe_target_health(TargetGroupArn=cube_group)["TargetHealthDescriptions"]
    assert len(health) == 2 and {h["TargetHealth"]["State"] for h in health} == {"healthy"}
    tasks = ecs.describe_tasks(cluster=cluster, tasks=ecs.list_tasks(
        cluster=cluster, serviceName="cubebuster")["taskArns"])["tasks"]
    ports = sorted(t["containers"][0]["networkBindings"][0]["hostPort"] for t in tasks)
    assert sorted(h["Target"]["Port"] for h in health) == ports
    instance = ecs.describe_container_instances(cluster=cluster, containerInstances=[tasks[0]["containerInstanceArn"]])[
        "containerInstances"][0]
    assert {h["Target"]["Id"] for h in health} == {instance["ec2InstanceId"]}


@pytest.mark.parametrize("minimum,maximum", [(100, 200), (50, 100)])
def test_a_rolling_deployment_under_load_loses_no_request(make_server, make_agent, minimum, maximum):
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
    wait_for("v1 steady", lambda: steady("site:1"), timeout=60, interval=0.5)
    url = f"http://{lb['DNSName']}:{port}/"
    assert get(url) == (200, "v1\n")
    web_task(ecs, "site", "v2")
    script = "/tmp/admiral-e2e-rate.lua"
    with open(script, "w") as f:
        f.write("function delay() return 5 end\n"
                "done = function(s, l, r) io.write(string.format('RESULT %d %d %d %d %d %d\\n', s.requests, "
                "s.errors.status, s.errors.connect, s.errors.read, s.errors.write, s.errors.timeout)) end\n")
    load = subprocess.Popen(["wrk", "-t2", "-c8", "-d30s", "--timeout", "5s", "-s", script, url],
                            stdout=subprocess.PIPE, text=True)
    time.sleep(2)
    ecs.update_service(cluster=cluster, service="site", taskDefinition="site:2")
    wait_for("v2 steady", lambda: steady("site:2"), timeout=60, interval=0.5)
    output, _ = load.communicate(timeout=60)
    result = [line for line in output.splitlines() if line.startswith("RESULT")][0].split()[1:]
    requests, status_errors, connect, read, write, timeouts = map(int, result)
    # About 500 requests a second were aimed at it (a loaded machine gets fewer through).
    assert requests > 5000, output
    assert (status_errors, connect, read, write, timeouts) == (0, 0, 0, 0, 0), output
    assert get(url) == (200, "v2\n")
    stopped = ecs.describe_tasks(cluster=cluster, tasks=ecs.list_tasks(
        cluster=cluster, serviceName="site", desiredStatus="STOPPED")["taskArns"])["tasks"]
    assert len(stopped) == 2 and all(t["stopCode"] == "ServiceSchedulerInitiated" for t in stopped)
