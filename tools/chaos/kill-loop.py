#!/usr/bin/env python3
"""Crash consistency under SIGKILL (issue 18): a workload of ECS calls runs against one
`admiral server` and a process of simulated agents while this script kills the server (and
now and then the agents) with SIGKILL at random moments, restarting them each time. After
every recovery:

- `admiral check --data-dir` must find no broken invariant;
- every call acknowledged before the kill must have its effect: each registered revision is
  there with what was sent, each created cluster and service exists, each task RunTask
  answered with is known (RUNNING, or STOPPED when a StopTask was acknowledged), and each
  service's desired count is the last one acknowledged (or the one in flight at the kill,
  which the server may or may not have committed).

Meanwhile a service behind a load balancer (`web`, three tasks whose simulated containers
answer HTTP: `admiral agent --simulated-http`) is redeployed every few seconds, and a
client sends it a request every 20 ms through the load balancer's listener. The load
balancer runs in the server process, so it is down from each kill until it answers again
after the restart: that window is admitted and measured. When the agents were killed too,
their hosts' containers are gone (a host that died), and requests the load balancer still
sends to the dead targets fail until health checks take them out, as on AWS: the window
then extends by the target group's unhealthy threshold × interval + timeout (12 s here).
Any failed request outside those windows — during the rolling deployments, say — is a
problem.

    tools/chaos/kill-loop.py --binary .build/debug/admiral --kills 50 [--seed 7] [--json out.json]

Traffic goes to 127.0.0.1 only. The load is bounded: a handful of client threads, each
with one call in flight.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from botocore.exceptions import ClientError

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "benchmarks", "lib"))
from admiral_bench import Agent, Server, free_port  # noqa: E402 - the benchmarks' server and agent processes

CLUSTER = "chaos"
# The target group's health checks: a dead target is out of rotation within
# UnhealthyThresholdCount × interval + timeout.
HEALTH_INTERVAL, HEALTH_TIMEOUT, UNHEALTHY_THRESHOLD = 5, 2, 2
DEAD_TARGET_GRACE = UNHEALTHY_THRESHOLD * HEALTH_INTERVAL + HEALTH_TIMEOUT
SERVICES = ("svc-a", "svc-b", "svc-c")
INSTANCES = 6


def log(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


def start(server):
    """Starts (or restarts) the server; the seconds until it answered /health."""
    server.start()
    return server.ready_after


def sigkill(process):
    process.send_signal(signal.SIGKILL)
    process.wait()


class Ledger:
    """What the server acknowledged, and what was in flight when a call failed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.revisions = {}        # revision -> the environment value sent
        self.clusters = set()
        self.tasks = {}            # task ARN -> "RUNNING" or "STOPPED" (a StopTask acknowledged)
        self.desired = {name: {"acked": 1, "maybe": set()} for name in SERVICES}
        self.calls = {"RegisterTaskDefinition": 0, "CreateCluster": 0, "RunTask": 0, "StopTask": 0,
                      "UpdateService": 0}
        self.failed = 0
        self.failures = {}         # exception name -> count


def worker(kind, server, ledger, up, stop, rng):
    client = None
    sequence = 0
    while not stop.is_set():
        if not up.wait(timeout=0.5):
            client = None
            continue
        if client is None:
            client = server.client()
        sequence += 1
        try:
            if kind == "register":
                value = f"{kind}-{rng.random():.12f}"
                answer = client.register_task_definition(
                    family="chaos-td", containerDefinitions=[{
                        "name": "app", "image": "busybox", "memory": 32,
                        "environment": [{"name": "MARK", "value": value}]}])
                with ledger.lock:
                    ledger.revisions[answer["taskDefinition"]["revision"]] = value
                    ledger.calls["RegisterTaskDefinition"] += 1
            elif kind == "clusters":
                name = f"chaos-{rng.randrange(10**9)}"
                client.create_cluster(clusterName=name)
                with ledger.lock:
                    ledger.clusters.add(name)
                    ledger.calls["CreateCluster"] += 1
                time.sleep(0.05)
            elif kind == "tasks":
                answer = client.run_task(cluster=CLUSTER, taskDefinition="chaos-run", count=rng.randint(1, 3),
                                         startedBy="chaos")
                with ledger.lock:
                    for task in answer["tasks"]:
                        ledger.tasks[task["taskArn"]] = "RUNNING"
                    ledger.calls["RunTask"] += 1
                    running = [arn for arn, state in ledger.tasks.items() if state == "RUNNING"]
                if len(running) > 20:
                    victim = rng.choice(running)
                    client.stop_task(cluster=CLUSTER, task=victim, reason="chaos")
                    with ledger.lock:
                        ledger.tasks[victim] = "STOPPED"
                        ledger.calls["StopTask"] += 1
            elif kind == "services":
                name = rng.choice(SERVICES)
                count = rng.randint(0, 6)
                with ledger.lock:
                    ledger.desired[name]["maybe"].add(count)
                client.update_service(cluster=CLUSTER, service=name, desiredCount=count)
                with ledger.lock:
                    ledger.desired[name] = {"acked": count, "maybe": set()}
                    ledger.calls["UpdateService"] += 1
                time.sleep(0.1)
        except Exception as error:  # noqa: BLE001 - any failure leaves the call unacknowledged
            # The server was killed under the call (or refused it): not acknowledged.
            with ledger.lock:
                ledger.failed += 1
                name = type(error).__name__
                ledger.failures[name] = ledger.failures.get(name, 0) + 1
            client = None
            time.sleep(0.05)


class Traffic:
    """Requests through the load balancer, one every 20 ms: (start, end, ok) of each."""

    def __init__(self, url):
        self.url, self.lock, self.requests, self.errors = url, threading.Lock(), [], {}

    def run(self, stop):
        while not stop.is_set():
            started = time.time()
            error = None
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    ok = response.status == 200 and response.read().startswith(b"simulated ")
            except urllib.error.HTTPError as failure:
                ok, error = False, f"HTTP {failure.code}"
            except (urllib.error.URLError, OSError) as failure:
                ok, error = False, str(failure)
            with self.lock:
                self.requests.append((started, time.time(), ok))
                if error:
                    self.errors[started] = error
            time.sleep(0.02)

    def recovered_after(self, moment, timeout=120):
        """The end of the first successful request that started after `moment`."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                successes = [ended for started, ended, ok in self.requests if started >= moment and ok]
            if successes:
                return min(successes)
            time.sleep(0.05)
        return None


def deployer(server, stop, up, rng):
    """Rolls the load-balanced service to a new deployment every 3 to 6 s."""
    client = None
    while not stop.is_set():
        time.sleep(rng.uniform(3, 6))
        if not up.is_set():
            continue
        try:
            client = client or server.client()
            client.update_service(cluster=CLUSTER, service="web", forceNewDeployment=True)
        except Exception:  # noqa: BLE001 - a kill under the call; the next one tries again
            client = None


def load_balance(server, agents_count):
    """A load balancer whose listener forwards to the `web` service's three tasks; its URL."""
    elb, ecs = server.client("elbv2"), server.client()
    group = elb.create_target_group(
        Name="chaos-web", Protocol="HTTP", Port=80, VpcId="vpc-admiral", TargetType="instance",
        HealthCheckPath="/", HealthCheckIntervalSeconds=HEALTH_INTERVAL, HealthCheckTimeoutSeconds=HEALTH_TIMEOUT,
        HealthyThresholdCount=2, UnhealthyThresholdCount=UNHEALTHY_THRESHOLD)["TargetGroups"][0]["TargetGroupArn"]
    elb.modify_target_group_attributes(TargetGroupArn=group, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "2"}])
    port = free_port()
    balancer = elb.create_load_balancer(Name="chaos-web", Subnets=["subnet-us-east-1a", "subnet-us-east-1b"])
    balancer = balancer["LoadBalancers"][0]
    elb.create_listener(LoadBalancerArn=balancer["LoadBalancerArn"], Protocol="HTTP", Port=port,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    ecs.register_task_definition(family="chaos-web", containerDefinitions=[{
        "name": "web", "image": "busybox", "memory": 32,
        "portMappings": [{"containerPort": 80, "hostPort": 0}]}])
    ecs.create_service(cluster=CLUSTER, serviceName="web", taskDefinition="chaos-web", desiredCount=3,
                       healthCheckGracePeriodSeconds=10,
                       deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 200},
                       loadBalancers=[{"targetGroupArn": group, "containerName": "web", "containerPort": 80}])
    deadline = time.time() + 120
    while sum(h["TargetHealth"]["State"] == "healthy"
              for h in elb.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]) < 3:
        if time.time() > deadline:
            raise RuntimeError("the load-balanced service never became healthy")
        time.sleep(0.5)
    return f"http://{balancer['DNSName']}:{port}/"


def failures_outside(requests, windows):
    """The failed requests that overlap no admitted window."""
    outside = []
    for started, ended, ok in requests:
        if ok:
            continue
        if not any(started <= end and ended >= begin for begin, end in windows):
            outside.append((started, ended))
    return outside


def nearest(moment, windows, kinds):
    """The kill closest to `moment`, in words."""
    if not windows:
        return "no kill yet"
    killed, recovered = min(windows, key=lambda window: abs(moment - window[0]))
    return (f"{moment - killed:+.2f} s from the kill of the {kinds.get(killed, '?')}, whose admitted window "
            f"ended {recovered - killed:.2f} s after it")


def check(binary, data_dir):
    result = subprocess.run([binary, "check", "--data-dir", data_dir], capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def verify(ecs, ledger):
    """The acknowledged effects, as the restarted server answers them; a list of problems."""
    problems = []
    with ledger.lock:
        revisions = dict(ledger.revisions)
        clusters = set(ledger.clusters)
        tasks = dict(ledger.tasks)
        desired = {name: (entry["acked"], set(entry["maybe"])) for name, entry in ledger.desired.items()}
    for revision, value in sorted(revisions.items()):
        try:
            definition = ecs.describe_task_definition(taskDefinition=f"chaos-td:{revision}")["taskDefinition"]
            stored = definition["containerDefinitions"][0]["environment"][0]["value"]
            if stored != value:
                problems.append(f"chaos-td:{revision} holds {stored!r}, acknowledged with {value!r}")
        except ClientError as error:
            problems.append(f"chaos-td:{revision} acknowledged, now {error}")
    names = sorted(clusters)
    for i in range(0, len(names), 100):
        found = ecs.describe_clusters(clusters=names[i:i + 100])
        for failure in found.get("failures", []):
            problems.append(f"cluster {failure['arn']} acknowledged, now {failure['reason']}")
    arns = sorted(tasks)
    for i in range(0, len(arns), 100):
        found = ecs.describe_tasks(cluster=CLUSTER, tasks=arns[i:i + 100])
        for failure in found.get("failures", []):
            problems.append(f"task {failure['arn']} acknowledged, now {failure['reason']}")
        for task in found["tasks"]:
            if tasks[task["taskArn"]] == "STOPPED" and task["desiredStatus"] != "STOPPED":
                problems.append(f"task {task['taskArn']}: StopTask acknowledged, desired {task['desiredStatus']}")
    for service in ecs.describe_services(cluster=CLUSTER, services=list(SERVICES))["services"]:
        acked, maybe = desired[service["serviceName"]]
        if service["desiredCount"] != acked and service["desiredCount"] not in maybe:
            problems.append(f"service {service['serviceName']}: desiredCount {service['desiredCount']}, "
                            f"acknowledged {acked} (in flight: {sorted(maybe)})")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--agent-kill-share", type=float, default=0.3,
                        help="share of the kills that also kill the agents' process")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the data folders")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="admiral-chaos-")
    data_dir, agent_dir = os.path.join(work, "server"), os.path.join(work, "agents")
    os.makedirs(data_dir)
    os.makedirs(agent_dir)
    # A fixed port, so that agents and clients find the server again after each restart.
    server = Server(os.path.abspath(args.binary), data_dir, port=free_port())
    start(server)
    agents = Agent(os.path.abspath(args.binary), server, CLUSTER, agent_dir,
                   ["--runtime", "simulated", "--simulated-http", "--count", str(INSTANCES), "--cpu", "4096",
                    "--memory", "8192"])
    ecs = server.client()
    ecs.create_cluster(clusterName=CLUSTER)
    agents.start()
    deadline = time.time() + 120
    while ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0]["registeredContainerInstancesCount"] < INSTANCES:
        if time.time() > deadline:
            raise RuntimeError("the simulated instances never registered")
        time.sleep(0.2)
    for family in ("chaos-run", "chaos-svc"):
        ecs.register_task_definition(family=family, containerDefinitions=[
            {"name": "app", "image": "busybox", "memory": 32, "command": ["sleep", "3600"]}])
    for name in SERVICES:
        ecs.create_service(cluster=CLUSTER, serviceName=name, taskDefinition="chaos-svc", desiredCount=1)
    traffic = Traffic(load_balance(server, INSTANCES))
    windows, kinds, recoveries = [], {}, {}

    ledger = Ledger()
    up, stop = threading.Event(), threading.Event()
    up.set()
    threads = [threading.Thread(target=worker, args=(kind, server, ledger, up, stop, random.Random(rng.random())),
                                daemon=True)
               for kind in ("register", "register", "clusters", "tasks", "tasks", "services")]
    threads.append(threading.Thread(target=traffic.run, args=(stop,), daemon=True))
    threads.append(threading.Thread(target=deployer, args=(server, stop, up, random.Random(rng.random())),
                                    daemon=True))
    for thread in threads:
        thread.start()

    figures = {"kills": 0, "agent_kills": 0, "check_failures": 0, "missing_effects": 0, "restart_seconds": [],
               "problems": [], "lb_windows": []}
    started = time.time()
    try:
        for kill in range(1, args.kills + 1):
            time.sleep(rng.uniform(0.5, 4.0))
            with_agents = rng.random() < args.agent_kill_share
            # The window opens at the first kill: the agents' hosts die first.
            killed_at = time.time()
            if with_agents:
                time.sleep(rng.uniform(0, 0.3))
                sigkill(agents.process)
                figures["agent_kills"] += 1
            up.clear()
            sigkill(server.process)
            server.process.stdout.close()
            figures["kills"] += 1
            figures["restart_seconds"].append(start(server))
            if with_agents:
                agents.start()
            recovered = traffic.recovered_after(time.time())
            if recovered is None:
                figures["problems"].append(f"kill {kill}: the load balancer did not answer again within 120 s")
                recovered = time.time()
            windows.append((killed_at, recovered + (DEAD_TARGET_GRACE if with_agents else 0)))
            kinds[killed_at] = "server and agents" if with_agents else "server"
            recoveries[killed_at] = recovered
            figures["lb_windows"].append(round(recovered - killed_at, 2))
            code, output = check(args.binary, data_dir)
            if code != 0:
                figures["check_failures"] += 1
                figures["problems"].append(f"kill {kill}: admiral check exit {code}: {output.strip()[-2000:]}")
            ecs = server.client()
            problems = verify(ecs, ledger)
            figures["missing_effects"] += len(problems)
            figures["problems"] += [f"kill {kill}: {problem}" for problem in problems]
            log(f"kill {kill}/{args.kills}{' (and the agents)' if with_agents else ''}: restarted in "
                f"{figures['restart_seconds'][-1]:.2f} s; check exit {code}; {len(problems)} missing effects; "
                f"{sum(ledger.calls.values()):,} calls acknowledged so far")
            up.set()
    finally:
        stop.set()
        up.set()
        for thread in threads:
            thread.join(timeout=20)
        # Once the workload stops, the state settles; the last check is of the settled state.
        time.sleep(3)
        code, output = check(args.binary, data_dir)
        figures["final_check"] = code
        if code != 0:
            figures["problems"].append(f"final admiral check exit {code}: {output.strip()[-2000:]}")
        agents.stop()
        server.stop()
    with traffic.lock:
        requests = list(traffic.requests)
    outside = failures_outside(requests, windows)
    figures["lb_requests"] = len(requests)
    figures["lb_failed"] = sum(not ok for _, _, ok in requests)
    figures["lb_failed_outside_windows"] = len(outside)
    # After a host died: how long requests still failed once the load balancer answered again.
    late = [started - recoveries[killed] for started, _, ok in requests if not ok
            for killed, end in windows if kinds[killed] != "server" and recoveries[killed] <= started <= end]
    figures["lb_failed_after_host_death"] = len(late)
    figures["lb_failing_after_host_death_max"] = round(max(late), 2) if late else 0
    figures["problems"] += [
        f"a request through the load balancer failed outside a kill window, {begin - started:.2f} s into the run "
        f"({traffic.errors.get(begin, '?')}; {nearest(begin, windows, kinds)})" for begin, _ in outside[:20]]
    lb_windows = sorted(figures.pop("lb_windows"))
    figures["lb_window_p50"] = lb_windows[len(lb_windows) // 2] if lb_windows else None
    figures["lb_window_max"] = lb_windows[-1] if lb_windows else None
    figures.update(seconds=round(time.time() - started, 1), calls=dict(ledger.calls), failed_calls=ledger.failed, failures=dict(ledger.failures),
                   revisions=len(ledger.revisions), tasks=len(ledger.tasks), clusters=len(ledger.clusters),
                   seed=args.seed)
    restart = sorted(figures["restart_seconds"])
    figures["restart_p50"] = restart[len(restart) // 2] if restart else None
    figures["restart_max"] = restart[-1] if restart else None
    del figures["restart_seconds"]
    print(json.dumps(figures, indent=2))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(figures, out, indent=2)
    if not args.keep and not figures["problems"]:
        shutil.rmtree(work, ignore_errors=True)
    else:
        log(f"data kept in {work}")
    return 0 if not figures["problems"] else 1


if __name__ == "__main__":
    sys.exit(main())
