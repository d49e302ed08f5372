#!/usr/bin/env python3
"""EC2 instances and Auto Scaling benchmark (issue 14). Run through
benchmarks/instances/run.sh, which builds the release binary and passes it as
ADMIRAL_BINARY.

  run.py [--record DOC]     every part, then the results (--record: rewrite the
                            instances results in DOC)

Parts (PARTS selects some; --record needs both):

1. process: one `admiral server --instance-provider process --instance-docker-host
   $ADMIRAL_DOCKER_HOST --scaling-period 1 --service-healthy-after 0`. Per round a new
   cluster, a launch configuration (t3.small, 2,048 MiB; user data that sets ECS_CLUSTER),
   an Auto Scaling group at 0 over three zones, a capacity provider with managed scaling
   (target capacity 100) as the cluster's default strategy; then a service of N tasks of
   1,500 MiB each (so N hosts) on the test image. The driver polls every 50 ms until
   every task is RUNNING and splits the time from CreateService to the last task RUNNING
   into decision (CreateService → CapacityProviderReservation above 100 first seen in
   GetMetricData → the scaling activity's StartTime: desired capacity raised), instance
   start (→ the instance first seen `running` in DescribeInstances: the agent process
   spawned), agent registration (→ the container instance's registeredAt) and task start
   (→ the task's startedAt on that instance). ROUNDS rounds of 1 host, then one of WIDE.
   After each round the service and the group are force-deleted and the driver waits
   until the group's agent processes (`ps --ppid`) have ended.
2. simulated: `admiral server --instance-provider simulated`; one group (max INSTANCES)
   set to INSTANCES at once (SetDesiredCapacity); the time until the cluster's
   registeredContainerInstancesCount reaches INSTANCES (polled every 100 ms), and the
   server's user + system CPU time (/proc/PID/stat) over that time.

Only 127.0.0.1 and the private Docker daemon are contacted; every server is stopped and
every agent process it started has ended on exit."""
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from admiral_bench import TEST_IMAGE, Server, log, percentile, scratch, wait_for  # noqa: E402
from admiral_bench import loadavg as load_averages  # noqa: E402
from admiral_bench import revision  # noqa: E402
from admiral_bench import write_results  # noqa: E402


def env_int(name, default):
    value = os.environ.get(name, str(default))
    if not value.isdigit() or int(value) < 1:
        sys.exit(f"run.py: {name} must be a positive whole number, not '{value}'")
    return int(value)


ROUNDS = env_int("ROUNDS", 5)
WIDE = env_int("WIDE", 3)
INSTANCES = env_int("INSTANCES", 1000)
ALL_PARTS = ("process", "simulated")
PARTS = [p for p in os.environ.get("PARTS", ",".join(ALL_PARTS)).split(",") if p]
DOCKER_HOST = os.environ.get("ADMIRAL_DOCKER_HOST", "")

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
USER_DATA = "#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n"
INSTANCE_TYPE = "t3.small"        # 2 vCPUs, 2,048 MiB
TASK_MEMORY = 1500                # one task per t3.small
POLL = 0.05
ROUND_TIMEOUT = 180
HOST_TARGET = 2.0                 # seconds: desired capacity raised → container instance registered
FLEET_TARGET = 30.0               # seconds: 1,000 simulated instances registered

BEGIN = "<!-- instances-results:begin (benchmarks/instances/run.sh --record rewrites this part) -->"
END = "<!-- instances-results:end -->"


def loadavg():
    """The load averages, and the share of the last minute in which runnable work waited
    for a CPU (Linux's pressure stall information), when the kernel reports it."""
    try:
        some = open("/proc/pressure/cpu").readline().split()
        pressure = dict(field.split("=") for field in some[1:])["avg60"]
        return f"{load_averages()} (CPU pressure {float(pressure):.0f} %)"
    except (OSError, KeyError, ValueError):
        return load_averages()


def cpu_seconds(pid):
    """User + system CPU seconds of a process (all its threads)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid):
    """The process ids of `admiral agent` processes whose parent is `pid` (`ps --ppid`)."""
    out = subprocess.run(["ps", "-ww", "--ppid", str(pid), "-o", "pid=,args="], capture_output=True,
                         text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if " agent " in line]


def stop_server(server):
    """Stops the server, then any agent process of its own it left behind (by pid)."""
    pid = server.process.pid if server.process else None
    left = children(pid) if pid else []
    server.stop()
    for child in left:
        try:
            os.kill(child, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.time() + 20
    for child in left:
        while time.time() < deadline and os.path.exists(f"/proc/{child}"):
            time.sleep(0.1)
        if os.path.exists(f"/proc/{child}"):
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass


def agent_image(ec2):
    images = ec2.describe_images(Owners=["amazon"])["Images"]
    return next(image["ImageId"] for image in images if "admiral" in image["Name"])


def group_with_provider(ecs, asg, ec2, cluster, max_size, instance_type, managed):
    """A cluster, a launch configuration naming it, a group at 0 and (managed) a capacity
    provider with managed scaling as the cluster's default strategy."""
    ecs.create_cluster(clusterName=cluster)
    name = f"{cluster}-asg"
    asg.create_launch_configuration(LaunchConfigurationName=f"{cluster}-lc", ImageId=agent_image(ec2),
                                    InstanceType=instance_type, UserData=USER_DATA.format(cluster=cluster))
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchConfigurationName=f"{cluster}-lc", MinSize=0,
                                  MaxSize=max_size, DesiredCapacity=0, AvailabilityZones=ZONES,
                                  HealthCheckGracePeriod=0)
    if managed:
        arn = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0][
            "AutoScalingGroupARN"]
        ecs.create_capacity_provider(name=f"{cluster}-cp", autoScalingGroupProvider={
            "autoScalingGroupArn": arn, "managedScaling": {"status": "ENABLED", "targetCapacity": 100}})
        ecs.put_cluster_capacity_providers(
            cluster=cluster, capacityProviders=[f"{cluster}-cp"],
            defaultCapacityProviderStrategy=[{"capacityProvider": f"{cluster}-cp", "weight": 1}])
    return name


# ---------------------------------------------------------------------------- 1. process

def ts(value):
    return value.timestamp() if hasattr(value, "timestamp") else float(value)


def spawned_at(data_dir, instance_id):
    """When the process provider spawned the instance's agent: the modification time of
    the pid file it writes right after the spawn (EC2 has no timestamp for it, and the
    instance turns `running` only once the agent has lived 500 ms)."""
    try:
        return os.stat(os.path.join(data_dir, "instances", instance_id, "agent.pid")).st_mtime_ns / 1e9
    except OSError:
        return None


def process_round(clients, server_pid, data_dir, index, hosts):
    ecs, asg, ec2, cw = clients
    cluster = f"inst{index}"
    name = group_with_provider(ecs, asg, ec2, cluster, max(hosts, 1) + 1, INSTANCE_TYPE, managed=True)
    ecs.register_task_definition(family=f"{cluster}-host", containerDefinitions=[{
        "name": "main", "image": TEST_IMAGE, "memory": TASK_MEMORY, "stopTimeout": 2, "essential": True,
        "command": ["sleep", "3600"]}])
    time.sleep(2)   # a publication or two of the idle provider (reservation 100) first
    dims = [{"Name": "CapacityProviderName", "Value": f"{cluster}-cp"}, {"Name": "ClusterName", "Value": cluster}]

    need = time.time()
    ecs.create_service(cluster=cluster, serviceName="hosts", taskDefinition=f"{cluster}-host", desiredCount=hosts,
                       placementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}])
    published = desired_seen = None
    state_seen = {}           # (instance id, state) -> first poll that saw it
    registered = {}           # instance id -> container instance
    running = {}              # container instance arn -> task
    deadline = need + ROUND_TIMEOUT
    while len(running) < hosts:
        now = time.time()
        if now > deadline:
            raise RuntimeError(f"{cluster}: {len(running)} of {hosts} tasks RUNNING after {ROUND_TIMEOUT} s "
                               f"(reservation seen: {published}, desired raised: {desired_seen}, "
                               f"instances {state_seen}, registered {sorted(registered)})")
        if published is None:
            answer = cw.get_metric_data(
                StartTime=datetime.datetime.fromtimestamp(need - 5, datetime.timezone.utc),
                EndTime=datetime.datetime.fromtimestamp(now + 5, datetime.timezone.utc),
                MetricDataQueries=[{"Id": "r", "MetricStat": {"Metric": {
                    "Namespace": "AWS/ECS/ManagedScaling", "MetricName": "CapacityProviderReservation",
                    "Dimensions": dims}, "Period": 1, "Stat": "Maximum"}}])["MetricDataResults"][0]
            if any(v > 100 and t.timestamp() >= need - 1 for t, v in zip(answer["Timestamps"], answer["Values"])):
                published = time.time()
        group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
        if desired_seen is None and group["DesiredCapacity"] > 0:
            desired_seen = time.time()
        ids = [i["InstanceId"] for i in group["Instances"]]
        if ids and any((i, "running") not in state_seen for i in ids):
            seen = time.time()
            for reservation in ec2.describe_instances(InstanceIds=ids)["Reservations"]:
                for instance in reservation["Instances"]:
                    state_seen.setdefault((instance["InstanceId"], instance["State"]["Name"]), seen)
                    state_seen.setdefault((instance["InstanceId"], "launch"), ts(instance["LaunchTime"]))
        if len(registered) < len(ids):
            arns = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
            if len(arns) > len(registered):
                for ci in ecs.describe_container_instances(cluster=cluster, containerInstances=arns)[
                        "containerInstances"]:
                    if ci["ec2InstanceId"] not in registered:
                        registered[ci["ec2InstanceId"]] = ci
                        ci["spawned"] = spawned_at(data_dir, ci["ec2InstanceId"])
        if registered:
            arns = ecs.list_tasks(cluster=cluster, serviceName="hosts")["taskArns"]
            if arns:
                for task in ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]:
                    if task["lastStatus"] == "RUNNING":
                        running.setdefault(task["containerInstanceArn"], task)
        time.sleep(max(POLL - (time.time() - now), 0))

    activities = asg.describe_scaling_activities(AutoScalingGroupName=name)["Activities"]
    launches = {}
    for activity in activities:
        match = re.match(r"Launching a new EC2 instance: (i-\w+)", activity["Description"])
        if match:
            launches[match.group(1)] = activity
    raised = min(ts(a["StartTime"]) for a in launches.values())
    last_raised = max(ts(a["StartTime"]) for a in launches.values())
    by_arn = {ci["containerInstanceArn"]: ci for ci in registered.values()}
    instances = []
    for arn, task in running.items():
        ci = by_arn[arn]
        iid = ci["ec2InstanceId"]
        launch = ts(launches[iid]["StartTime"]) if iid in launches else raised
        up = state_seen.get((iid, "running"))
        if up is None:   # turned running between the last poll and the end of the round
            up = ts(task["startedAt"])
        spawned = ci["spawned"] or up
        registered_at, created, started = ts(ci["registeredAt"]), ts(task["createdAt"]), ts(task["startedAt"])
        instances.append({
            "instance": iid, "activity_start": launch, "launch_time": state_seen.get((iid, "launch")),
            "spawned": spawned, "running_seen": up, "registered_at": registered_at, "task_created": created,
            "task_started": started,
            "start": spawned - launch, "running": up - launch, "registration": registered_at - spawned,
            "placement": created - registered_at, "container": started - created, "task": started - registered_at,
            "host_added": registered_at - launch})
    row = {"hosts": hosts, "need": need, "published": (published or raised) - need, "raised": raised - need,
           "desired_seen": (desired_seen - need) if desired_seen else None,
           "decision": raised - need, "last_raised": last_raised - need,
           "raises": len({ts(a["StartTime"]) for a in launches.values()}), "total": max(i["task_started"] for i in instances) - need,
           "instances": instances,
           "activity_causes": [a.get("Cause", "") for a in launches.values()][:1]}
    log(f"{cluster}: {hosts} host(s) in {row['raises']} scale-out(s): decision {row['decision']:.2f} s, hosts added in "
        f"{', '.join('%.2f' % i['host_added'] for i in instances)} s, all RUNNING {row['total']:.2f} s")

    # Clean up: the service, then the group and its instances (agent processes and containers).
    ecs.delete_service(cluster=cluster, service="hosts", force=True)
    asg.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)

    def ended():
        # ForceDelete leaves the instances in the capacity provider's draining hook
        # (Terminating:Wait) on this build; AWS drops a force-deleted group's lifecycle
        # actions, so the driver completes them itself.
        for group in asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]:
            for instance in group["Instances"]:
                if instance["LifecycleState"] == "Terminating:Wait":
                    try:
                        asg.complete_lifecycle_action(
                            LifecycleHookName="ecs-managed-draining-termination-hook", AutoScalingGroupName=name,
                            LifecycleActionResult="CONTINUE", InstanceId=instance["InstanceId"])
                    except Exception as error:  # noqa: BLE001 (reported if the wait times out)
                        log(f"{cluster}: CompleteLifecycleAction {instance['InstanceId']}: {error}")
        return not children(server_pid)
    wait_for(f"{cluster}: its agent processes ended", ended, timeout=120, interval=0.5)
    return row


def process_part(work):
    binary = os.environ["ADMIRAL_BINARY"]
    server = Server(binary, os.path.join(work, "process"), extra_args=[
        "--instance-provider", "process", "--instance-docker-host", DOCKER_HOST, "--scaling-period", "1",
        "--service-healthy-after", "0"])
    server.start()
    try:
        clients = (server.client("ecs"), server.client("autoscaling"), server.client("ec2"),
                   server.client("cloudwatch"))
        rounds = []
        for index in range(1, ROUNDS + 1):
            rounds.append(process_round(clients, server.process.pid, server.data_dir, index, 1))
        rounds.append(process_round(clients, server.process.pid, server.data_dir, ROUNDS + 1, WIDE))
        return {"rounds": rounds}
    finally:
        stop_server(server)


# ---------------------------------------------------------------------------- 2. simulated

def simulated_part(work):
    binary = os.environ["ADMIRAL_BINARY"]
    server = Server(binary, os.path.join(work, "simulated"), extra_args=["--instance-provider", "simulated"])
    server.start()
    try:
        ecs, asg, ec2 = server.client("ecs"), server.client("autoscaling"), server.client("ec2")
        cluster = "fleet"
        name = group_with_provider(ecs, asg, ec2, cluster, INSTANCES, "t3.medium", managed=False)
        pid = server.process.pid
        time.sleep(1)
        cpu_before, start = cpu_seconds(pid), time.time()
        asg.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=INSTANCES)
        answered = time.time() - start
        first = None
        counts = []
        while True:
            now = time.time()
            count = ecs.describe_clusters(clusters=[cluster])["clusters"][0]["registeredContainerInstancesCount"]
            seen = time.time()
            counts.append((seen - start, count))
            if count and first is None:
                first = seen - start
            if count >= INSTANCES:
                break
            if seen - start > 600:
                raise RuntimeError(f"{count} of {INSTANCES} instances registered after 600 s")
            time.sleep(max(0.1 - (time.time() - now), 0))
        elapsed = seen - start
        cpu_after = cpu_seconds(pid)
        # After the measured window: until the group counts every instance InService.
        in_service = in_service_at = None
        while time.time() - start < 120:
            group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
            in_service = sum(1 for i in group["Instances"] if i["LifecycleState"] == "InService")
            if in_service >= INSTANCES:
                in_service_at = time.time() - start
                break
            time.sleep(0.5)
        half = next(t for t, c in counts if c >= INSTANCES / 2)
        changes = [(round(at, 2), c) for n, (at, c) in enumerate(counts) if n == 0 or c != counts[n - 1][1]]
        result = {"counts": changes, "instances": INSTANCES, "elapsed": elapsed, "first": first, "half": half, "answered": answered,
                  "cpu": cpu_after - cpu_before, "cores": (cpu_after - cpu_before) / elapsed,
                  "in_service": in_service, "in_service_at": in_service_at, "group_instances": len(group["Instances"])}
        log(f"simulated: {INSTANCES} registered in {elapsed:.2f} s, server CPU {result['cpu']:.2f} s "
            f"({result['cores']:.2f} cores)")
        return result
    finally:
        stop_server(server)


# ---------------------------------------------------------------------------- results

INTRO = """## EC2 instances and Auto Scaling (issue 14)

`benchmarks/instances/run.sh` (`run.py` has the details) measures how fast an ECS capacity
provider's managed scaling adds real hosts for a service that needs them, and how fast one
Auto Scaling group launches 1,000 simulated instances.

How it works:

- Admiral is the release build (`swift build -c release --product admiral --scratch-path
  .build-release`, or the binary named by `ADMIRAL_BINARY`); the driver is boto3.
  Everything listens on and talks to 127.0.0.1 only.
- **Process provider.** One `admiral server --instance-provider process
  --instance-docker-host $ADMIRAL_DOCKER_HOST --scaling-period 1 --service-healthy-after
  0`, on a private Docker daemon with the test image (`scripts/docker-up`,
  `scripts/make-test-image`). Each round is the flow of
  tests/e2e/test_capacity_providers.py's managed scaling test: a new cluster, a launch
  configuration (t3.small: 2,048 MiB) whose user data sets ECS_CLUSTER, an Auto Scaling
  group at 0 over three zones, a capacity provider with managed scaling (target capacity
  100) as the cluster's default strategy, then a service of N tasks of 1,500 MiB (one per
  host, so N new hosts) running `sleep` in the test image. Every instance is an `admiral
  agent` child process of the server. The driver polls every 50 ms (GetMetricData,
  DescribeAutoScalingGroups, DescribeInstances, ListContainerInstances, DescribeTasks)
  until every task is RUNNING, and splits the time from CreateService into:
  - decision: to the StartTime of the scaling activity that launched the first instance
    (DescribeScalingActivities; the group's desired capacity raised), through the first
    poll that saw a `CapacityProviderReservation` datapoint above 100 in
    `AWS/ECS/ManagedScaling` (shown as "reservation seen");
  - instance start: the instance's launch activity StartTime to the first poll that saw it
    `running` in DescribeInstances (the agent process spawned; EC2 has no timestamp for
    that state);
  - agent registration: to the container instance's `registeredAt`;
  - task start: to the `startedAt` of the task on that instance.

  "Host added" is the issue's target: the group's desired capacity raised (the first
  launch activity's StartTime) to the container instance registered. 5 rounds of one
  host, then one of three. After each round the service and the group are force-deleted
  and the driver waits for the agent processes to end.
- **Simulated provider.** `admiral server --instance-provider simulated`; one group
  (t3.medium, max 1,000) at 0, then SetDesiredCapacity 1,000: the time until the
  cluster's `registeredContainerInstancesCount` (DescribeClusters, polled every 100 ms) is
  1,000, and the server's user + system CPU time (`/proc/PID/stat`) over that time,
  divided by it (cores used).
- The server, the agents, Docker and the driver share the machine (2 cores here) with
  whatever else runs on it; the load averages and CPU pressure before each part are
  recorded.

Run it (`--record` rewrites the results below):

```sh
scripts/docker-up /tmp/instb-docker && scripts/make-test-image unix:///tmp/instb-docker/docker.sock
ADMIRAL_DOCKER_HOST=unix:///tmp/instb-docker/docker.sock benchmarks/instances/run.sh --record
scripts/docker-down /tmp/instb-docker
```

Targets (issue 14): the process provider adds a host in under 2 s (desired capacity
raised to container instance registered); 1,000 simulated instances registered in under
30 s.
"""


def yes(met):
    return "yes" if met else "**no**"


def s(x):
    return f"{x:.2f} s" if abs(x) < 10 else f"{x:.1f} s"


def p50max(values):
    return f"{s(percentile(values, 50))} / {s(max(values))}"


def render(r):
    lines, verdicts = [], []
    x = r.get("process")
    if x:
        lines += ["Process provider (--scaling-period 1), from CreateService of a service that needs N new "
                  "t3.small hosts to all its tasks RUNNING (a range is the round's fastest and slowest host):", "",
                  "| Round | Hosts | Scale-outs | Reservation seen | Decision (desired raised) | Instance start "
                  "(agent spawned) | EC2 `running` seen | Agent registration | Task placement | Container start | "
                  "Host added (desired raised → registered) | All RUNNING |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for n, row in enumerate(x["rounds"], 1):
            each = row["instances"]

            def col(key):
                values = [i[key] for i in each]
                return s(values[0]) if len(values) == 1 else f"{s(min(values))} - {s(max(values))}"
            decision = s(row["decision"]) + (f" (last {s(row['last_raised'])})" if row["raises"] > 1 else "")
            lines.append(f"| {n} | {row['hosts']} | {row['raises']} | {s(row['published'])} | {decision} | "
                         f"{col('start')} | {col('running')} | {col('registration')} | {col('placement')} | "
                         f"{col('container')} | {col('host_added')} | **{s(row['total'])}** |")
        every = [i for row in x["rounds"] for i in row["instances"]]
        lines += ["", f"Over the {len(x['rounds'])} rounds ({len(every)} hosts), p50 / max:", "",
                  "| Step | From → to | p50 / max |", "| --- | --- | ---: |",
                  f"| Decision: reservation seen | CreateService → first poll with CapacityProviderReservation "
                  f"above 100 | {p50max([row['published'] for row in x['rounds']])} |",
                  f"| Decision | CreateService → first launch activity's StartTime (desired capacity raised) | "
                  f"{p50max([row['decision'] for row in x['rounds']])} |",
                  f"| Instance start | the instance's launch activity → its agent process spawned | "
                  f"{p50max([i['start'] for i in every])} |",
                  f"| (EC2 state) | the instance's launch activity → first poll that saw it `running` | "
                  f"{p50max([i['running'] for i in every])} |",
                  f"| Agent registration | agent spawned → container instance registeredAt | "
                  f"{p50max([i['registration'] for i in every])} |",
                  f"| Task start | registeredAt → the task's startedAt | {p50max([i['task'] for i in every])} |",
                  f"| (of which placement) | registeredAt → the task's createdAt | "
                  f"{p50max([i['placement'] for i in every])} |",
                  f"| (of which container start) | createdAt → startedAt | {p50max([i['container'] for i in every])} |",
                  f"| **Host added** | the instance's launch activity (desired raised) → registeredAt | "
                  f"{p50max([i['host_added'] for i in every])} |",
                  f"| All RUNNING | CreateService → last task's startedAt | "
                  f"{p50max([row['total'] for row in x['rounds']])} |", "",
                  "Instance start ends at the agent's spawn (the mtime of the pid file the process provider "
                  "writes right after it); the instance turns `running` in DescribeInstances only after the agent "
                  "has lived 500 ms (the provider's check that it did not exit at once), which is after it "
                  "registered, so the EC2 state is shown beside it and not counted. Scale-outs: the distinct "
                  "launch activity StartTimes of the round.", ""]
        worst = max(i["host_added"] for i in every)
        verdicts.append(("Process provider adds a host (desired raised → registered; slowest host)", s(worst),
                         f"< {s(HOST_TARGET)}", worst < HOST_TARGET))
    y = r.get("simulated")
    if y:
        lines += [f"Simulated provider: one group set from 0 to {y['instances']:,} instances (SetDesiredCapacity, "
                  f"answered in {s(y['answered'])}):", "",
                  "| Instances | First registered | Half registered | All registered | Server CPU | Cores used | "
                  "All InService in the group |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                  f"| {y['instances']:,} | {s(y['first'])} | {s(y['half'])} | **{s(y['elapsed'])}** | "
                  f"{y['cpu']:.2f} s | {y['cores']:.2f} | " + (s(y["in_service_at"]) if y["in_service_at"] else
                                                               f"{y['in_service']:,} after 120 s") + " |", "",
                  "Times from the SetDesiredCapacity call; server CPU: user + system time of the `admiral server` "
                  "process (/proc/PID/stat) from the call to the poll that saw all registered; cores used: that "
                  "over the elapsed time. InService (DescribeAutoScalingGroups, polled every 0.5 s after the "
                  "measured window) is not part of the target.", ""]
        verdicts.append((f"{y['instances']:,} simulated instances registered", s(y["elapsed"]), f"< {s(FLEET_TARGET)}",
                         y["elapsed"] < FLEET_TARGET))
    if verdicts:
        lines += ["| Target | Measured | Target | Met |", "| --- | ---: | ---: | --- |"]
        lines += [f"| {name} | {value} | {target} | {yes(met)} |" for name, value, target, met in verdicts]
    return "\n".join(lines), verdicts


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal:")) / 1048576
    osname = next((l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release")
                   if l.startswith("PRETTY_NAME=")), platform.system())
    return f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB RAM, {osname}, Linux {platform.release()}"


def docker_version():
    try:
        out = subprocess.run(["docker", "-H", DOCKER_HOST, "version", "--format", "{{.Server.Version}}"],
                             capture_output=True, text=True, timeout=20).stdout.strip()
        return f"; Docker {out}" if out else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


def record(doc, r, table, verdicts):
    load = "; ".join(f"{part} {values}" for part, values in r["loads"])
    section = "\n".join([
        BEGIN, "", "### Latest results", "",
        f"- Date: {r['date']}",
        f"- Command: `{r['command']}`",
        f"- Machine: {machine()}; the server, its agent processes, Docker and the Python driver share it",
        f"- Load averages (1, 5, 15 min) and CPU pressure (the share of the last minute in which work "
        f"waited for a CPU) before each part: {load}; after: {r['load_after']}",
        f"- Admiral: release build of {r['revision']}, Swift {r['swift_version']}, SQLite store{docker_version()}",
        "", table, "",
        f"All targets met: {yes(all(met for *_, met in verdicts))}.", "", END])
    write_results(doc, BEGIN, END, section, INTRO)


def main(argv):
    doc = None
    if len(argv) == 3 and argv[1] == "--record":
        doc = argv[2]
    elif len(argv) != 1:
        sys.exit(__doc__)
    unknown = set(PARTS) - set(ALL_PARTS)
    if unknown:
        sys.exit(f"run.py: unknown PARTS {sorted(unknown)}")
    if doc and set(PARTS) != set(ALL_PARTS):
        sys.exit("run.py: --record needs every part (leave PARTS unset)")
    if "process" in PARTS and not DOCKER_HOST.startswith("unix://"):
        sys.exit("run.py: the process part needs ADMIRAL_DOCKER_HOST=unix://... (a private daemon)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = scratch("instances")
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout
    r = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
         "command": os.environ.get("BENCH_COMMAND", "benchmarks/instances/run.sh"), "loads": [],
         "revision": revision(), "swift_version": (re.search(r"Swift version (\S+)", swift) or [None, "?"])[1]}
    ok = False
    try:
        for part in ALL_PARTS:
            if part not in PARTS:
                continue
            r["loads"].append((part, loadavg()))
            r[part] = process_part(work) if part == "process" else simulated_part(work)
            json.dump(r, open(os.path.join(work, "results.json"), "w"), indent=1, default=str)
        r["load_after"] = loadavg()
        json.dump(r, open(os.path.join(work, "results.json"), "w"), indent=1, default=str)
        table, verdicts = render(r)
        print(table)
        if doc:
            record(doc, r, table, verdicts)
        ok = True
    finally:
        if ok and os.environ.get("KEEP_WORK") != "1":
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"logs and results.json kept in {work}")


if __name__ == "__main__":
    main(sys.argv)
