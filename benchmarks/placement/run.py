#!/usr/bin/env python3
"""Full-path placement benchmark (issue 4): RunTask calls per second and latency against
a cluster of INSTANCES (default 1000) simulated container instances over three zones, with
STRATEGY (default `spread`: AZ-balanced, then by instance; or `binpack`: AZ-balanced, then
binpack on memory), beside moto_server's RunTask on a cluster of as many registered
instances, in the same invocation.

  benchmarks/placement/run.sh

The load is wrk (16 keep-alive connections, one thread, DURATION seconds, default 10)
replaying one pre-signed RunTask (count 1) as benchmarks/api does. On Admiral every call
places a task that the simulated agents then start and report RUNNING, so the figure is
the whole path: SigV4, placement, the store transaction, the agents' polls and reports.
Afterwards the cluster must hold as many tasks as calls were answered 200 (plus at most
the calls still in flight when wrk stopped counting)."""
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
import bench  # noqa: E402  (benchmarks/api/bench.py: SigV4 pre-signing and wrk scripts)
from admiral_bench import Agent, Server, free_port, loadavg, log, release_binary, scratch, wait_for  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
INSTANCES = int(os.environ.get("INSTANCES", "1000"))
DURATION = int(os.environ.get("DURATION", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "16"))
CLUSTER = "bench-placement"
FAMILY = "bench-place"
STRATEGIES = {
    # AZ-balanced spread, then one task per instance in turn (ECS's spread for services).
    "spread": [{"type": "spread", "field": "attribute:ecs.availability-zone"},
               {"type": "spread", "field": "instanceId"}],
    # AZ-balanced spread, then binpack on memory: every task of a zone lands on the same
    # instance until it is full, so three instances collect all the tasks.
    "binpack": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}],
}
STRATEGY = os.environ.get("STRATEGY", "spread")
RUN_TASK = {"cluster": CLUSTER, "taskDefinition": FAMILY, "count": 1, "placementStrategy": STRATEGIES[STRATEGY]}
CONTAINERS = [{"name": "app", "image": "busybox:latest", "cpu": 1, "memory": 8, "essential": True}]


def wrk(endpoint, key, secret, name, work):
    os.environ.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION="us-east-1")
    bench.OPERATIONS["runtask"] = {"target": "RunTask", "body": RUN_TASK, "family": FAMILY}
    headers, body = bench.sign(endpoint, "runtask")
    script = os.path.join(work, f"{name}.lua")
    lines = ['wrk.method = "POST"', 'wrk.path = "/"', f"wrk.body = {bench.lua_string(body)}", "wrk.headers = {}"]
    lines += [f"wrk.headers[{bench.lua_string(k)}] = {bench.lua_string(v)}" for k, v in headers.items()]
    open(script, "w").write("\n".join(lines) + "\n")
    out = os.path.join(work, f"{name}.txt")
    log(f"{name}: wrk -t1 -c{CONNECTIONS} -d{DURATION}s RunTask")
    with open(out, "w") as f:
        subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "--timeout", "10s",
                        "-s", script, endpoint], stdout=f, check=True)
    parsed = subprocess.run([sys.executable, os.path.join(HERE, "..", "api", "bench.py"), "parse", out],
                            capture_output=True, text=True, check=True).stdout
    return json.loads(parsed)


def seed(ecs, ec2=None):
    """The cluster and task definition; with `ec2` (moto), also EC2 instances in three
    zones registered as container instances, as moto wants them to exist."""
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.register_task_definition(family=FAMILY, containerDefinitions=CONTAINERS)
    if ec2 is not None:
        image = ec2.describe_images()["Images"][0]["ImageId"]
        instances = []
        for number, zone in enumerate("abc"):
            count = INSTANCES // 3 + (1 if number < INSTANCES % 3 else 0)
            for batch in range(0, count, 500):
                made = ec2.run_instances(ImageId=image, MinCount=min(500, count - batch),
                                         MaxCount=min(500, count - batch), InstanceType="m5.xlarge",
                                         Placement={"AvailabilityZone": "us-east-1" + zone})["Instances"]
                instances += [(i["InstanceId"], "us-east-1" + zone) for i in made]
        for instance_id, zone in instances:
            ecs.register_container_instance(
                cluster=CLUSTER,
                instanceIdentityDocument=json.dumps({"instanceId": instance_id, "availabilityZone": zone}),
                totalResources=[{"name": "CPU", "type": "INTEGER", "integerValue": 4096},
                                {"name": "MEMORY", "type": "INTEGER", "integerValue": 16384}])


def task_total(ecs):
    [cluster] = ecs.describe_clusters(clusters=[CLUSTER])["clusters"]
    return cluster["runningTasksCount"] + cluster["pendingTasksCount"]


def admiral(binary, results, work, agents=True):
    """Admiral with INSTANCES simulated agents that run the tasks, or (agents=False) with
    as many instances registered through the API and no agent: placement and the store
    alone, without the polls and state reports of the agents."""
    name = "admiral" if agents else "admiral_no_agents"
    server = Server(binary, os.path.join(work, name)).start()
    agent = None
    if agents:
        agent = Agent(binary, server, CLUSTER, os.path.join(work, "agents"),
                      ["--runtime", "simulated", "--count", str(INSTANCES), "--cpu", "4096", "--memory", "16384",
                       "--availability-zone", "us-east-1a", "--availability-zone", "us-east-1b",
                       "--availability-zone", "us-east-1c"]).start()
    try:
        ecs = server.client()
        seed(ecs)
        if not agents:
            for number in range(INSTANCES):
                ecs.register_container_instance(
                    cluster=CLUSTER, instanceIdentityDocument=json.dumps(
                        {"instanceId": f"i-{number:017x}", "availabilityZone": "us-east-1" + "abc"[number % 3]}),
                    totalResources=[{"name": "CPU", "type": "INTEGER", "integerValue": 4096},
                                    {"name": "MEMORY", "type": "INTEGER", "integerValue": 16384}])
        wait_for(f"{INSTANCES} instances", lambda: ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0][
            "registeredContainerInstancesCount"] == INSTANCES, timeout=300, interval=0.5)
        figures = wrk(server.endpoint, server.env["AWS_ACCESS_KEY_ID"], server.env["AWS_SECRET_ACCESS_KEY"],
                      name, work)
        time.sleep(2)
        figures["tasks"] = task_total(ecs)
        if agents:
            figures["running"] = wait_for("every task RUNNING", lambda: (lambda c: c["runningTasksCount"] if c[
                "pendingTasksCount"] == 0 else None)(ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0]),
                timeout=300, interval=0.5)
        results[name] = figures
    finally:
        if agent:
            agent.stop()
        server.stop()


def moto(results, work):
    port = free_port()
    process = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(work, "moto.err"), "w"), start_new_session=True)
    try:
        import boto3
        endpoint = f"http://127.0.0.1:{port}"
        ecs = boto3.client("ecs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                           aws_secret_access_key="bench")
        wait_for("moto", lambda: _up(ecs), timeout=60, interval=0.2)
        log(f"moto: registering {INSTANCES} container instances")
        seed(ecs, boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                               aws_secret_access_key="bench"))
        figures = wrk(endpoint, "bench", "bench", "moto", work)
        figures["tasks"] = len(_all_tasks(ecs))
        results["moto"] = figures
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _up(ecs):
    try:
        ecs.list_clusters()
        return True
    except Exception:
        return False


def _all_tasks(ecs):
    arns, token = [], None
    while True:
        page = ecs.list_tasks(cluster=CLUSTER, maxResults=100, **({"nextToken": token} if token else {}))
        arns += page["taskArns"]
        token = page.get("nextToken")
        if not token:
            return arns


def main():
    binary = release_binary(ROOT)
    work = scratch("placement")
    results = {"instances": INSTANCES, "duration": DURATION, "connections": CONNECTIONS, "load_before": loadavg()}
    admiral(binary, results, work)
    admiral(binary, results, work, agents=False)
    results["load_between"] = loadavg()
    moto(results, work)
    results["load_after"] = loadavg()
    if "--json" in sys.argv:
        print(json.dumps(results, indent=2))
    a, n, m = results["admiral"], results["admiral_no_agents"], results["moto"]
    print(f"RunTask (count 1, strategy {STRATEGY}: {json.dumps(STRATEGIES[STRATEGY])}) on {INSTANCES} instances, "
          f"wrk -t1 -c{CONNECTIONS} "
          f"-d{DURATION}s; load before {results['load_before']}, between {results['load_between']}, "
          f"after {results['load_after']}")
    print()
    print("| server | calls/s | p50 | p99 | non-2xx | tasks in the cluster after |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, f in [(f"Admiral, {INSTANCES:,} simulated agents running the tasks", a),
                    (f"Admiral, {INSTANCES:,} registered instances, no agents", n), ("moto_server (no agents)", m)]:
        print(f"| {name} | {f['requests_per_sec']:,.0f} | {f['p50_ms']:.2f} ms | {f['p99_ms']:.2f} ms | "
              f"{f['non_2xx']} | {f['tasks']:,} |")
    print()
    print(f"Admiral with agents ÷ moto: {a['requests_per_sec'] / m['requests_per_sec']:.2f}× the calls per second, "
          f"p99 {a['p99_ms'] / m['p99_ms']:.2f}× moto's; without agents ÷ moto: "
          f"{n['requests_per_sec'] / m['requests_per_sec']:.2f}×, p99 {n['p99_ms'] / m['p99_ms']:.2f}×. "
          f"Admiral's tasks all RUNNING afterwards: {a['running']:,}.")
    # wrk stops counting at the deadline; calls in flight then may still have placed a task.
    for f in (a, n):
        if f["non_2xx"] or not f["requests"] <= f["tasks"] <= f["requests"] + CONNECTIONS:
            print(f"WARNING: {f['non_2xx']} non-2xx answers; {f['tasks']} tasks for {f['requests']} calls")
            sys.exit(1)


if __name__ == "__main__":
    main()
