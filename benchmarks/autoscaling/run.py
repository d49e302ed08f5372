#!/usr/bin/env python3
"""Service auto scaling benchmark (issue 13). Run through benchmarks/autoscaling/run.sh,
which builds the release binary and passes it as ADMIRAL_BINARY.

  run.py [--record DOC]     every part, then the results (--record: rewrite the
                            auto scaling results in DOC)

Parts (PARTS selects some; --record needs all four):

1. reaction-short, reaction-default: one server and one `admiral agent --runtime
   simulated` process (4 instances). Per round a service of 2 idle tasks (256 CPU units
   reserved each, ADMIRAL_SIMULATED_CPU_UNITS 0) with a scalable target (1-8) and a
   target tracking policy (ECSServiceAverageCPUUtilization, 50), left until its AlarmHigh
   is OK; then load starts: the service moves to a revision whose tasks keep their 256
   units busy (100 %; minimumHealthyPercent 0, so the busy tasks replace the idle ones at
   once), and the driver watches until the policy's added tasks are RUNNING. Shortened
   periods (--metrics-interval SHORT_INTERVAL, --scaling-period SHORT_PERIOD,
   --service-healthy-after 1, agents at SHORT_INTERVAL) for SHORT_ROUNDS rounds; AWS's
   (60 s everywhere) for DEFAULT_ROUNDS rounds.
2. cost-short, cost-default: SERVICES services of one task each (120 of 256 units busy:
   47 %, between the policy's scale-in threshold 45 and its target 50, so no alarm fires),
   each with a scalable target and a target tracking policy (2 x SERVICES managed alarms)
   on INSTANCES simulated instances; after setup and a settling time, the server's CPU
   time (/proc/PID/stat) over COST_SECONDS and the alarms its controller evaluated (its
   debug "alarm pass" lines). At COST_INTERVAL / COST_PERIOD, then at AWS's 60 s.

Only 127.0.0.1 is contacted; every server and agent is stopped on exit."""
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
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from admiral_bench import Agent, Server, log, scratch, wait_for  # noqa: E402
from admiral_bench import loadavg as load_averages  # noqa: E402
from admiral_bench import revision  # noqa: E402
from admiral_bench import write_results  # noqa: E402


def env_int(name, default):
    value = os.environ.get(name, str(default))
    if not value.isdigit() or int(value) < 1:
        sys.exit(f"run.py: {name} must be a positive whole number, not '{value}'")
    return int(value)


SHORT_ROUNDS = env_int("SHORT_ROUNDS", 5)
DEFAULT_ROUNDS = env_int("DEFAULT_ROUNDS", 1)
SERVICES = env_int("SERVICES", 1000)
INSTANCES = env_int("INSTANCES", 50)
COST_SECONDS = env_int("COST_SECONDS", 180)
SHORT_INTERVAL = env_int("SHORT_INTERVAL", 1)
SHORT_PERIOD = env_int("SHORT_PERIOD", 2)
COST_INTERVAL = env_int("COST_INTERVAL", 10)
COST_PERIOD = env_int("COST_PERIOD", 10)
ALL_PARTS = ("reaction-short", "reaction-default", "cost-short", "cost-default")
PARTS = [p for p in os.environ.get("PARTS", ",".join(ALL_PARTS)).split(",") if p]
PERF = os.environ.get("PERF") == "1"

CLUSTER = "asbench"
RESERVED_UNITS, BUSY_UNITS, STEADY_UNITS = 256, 256, 120   # busy: 100 %, steady: 46.9 %
TARGET = 50.0
START_TASKS, MAX_TASKS = 2, 8
REACTION_INSTANCES = 4
AWS_PERIOD = 60                   # AlarmHigh's Period on AWS (and the ECS metric's resolution)
AWS_HIGH_DATAPOINTS = 3           # AlarmHigh: 3 of 3 datapoints above the target
REACTION_TIMEOUT = 1200           # the longest a round may take from load start, in seconds

BEGIN = "<!-- autoscaling-results:begin (benchmarks/autoscaling/run.sh --record rewrites this part) -->"
END = "<!-- autoscaling-results:end -->"


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


def task_definition(ecs, family, cpu_units):
    ecs.register_task_definition(family=family, containerDefinitions=[
        {"name": "app", "image": "busybox:latest", "cpu": RESERVED_UNITS, "memory": 64, "essential": True,
         "environment": [{"name": "ADMIRAL_SIMULATED_CPU_UNITS", "value": str(cpu_units)}]}])


def policy(aas, service):
    resource = f"service/{CLUSTER}/{service}"
    common = dict(ServiceNamespace="ecs", ResourceId=resource, ScalableDimension="ecs:service:DesiredCount")
    aas.register_scalable_target(MinCapacity=1, MaxCapacity=MAX_TASKS, **common)
    answer = aas.put_scaling_policy(
        PolicyName="cpu50", PolicyType="TargetTrackingScaling", **common,
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": TARGET,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
    return [alarm["AlarmName"] for alarm in answer["Alarms"]]


class Stack:
    """One server and one simulated-agent process with `count` instances."""

    def __init__(self, work, name, server_args, agent_args, count, cpu, memory, debug=False):
        binary = os.environ["ADMIRAL_BINARY"]
        extra = [*server_args, *(["--log-level", "debug"] if debug else [])]
        self.server = Server(binary, os.path.join(work, name), extra_args=extra).start()
        self.pid = self.server.process.pid
        self.log_path = os.path.join(work, name, "server.log")
        self.ecs = self.server.client("ecs", pool=16)
        self.aas = self.server.client("application-autoscaling", pool=16)
        self.cw = self.server.client("cloudwatch", pool=16)
        self.ecs.create_cluster(clusterName=CLUSTER)
        self.agent = Agent(binary, self.server, CLUSTER, os.path.join(work, name + "-agents"),
                           ["--runtime", "simulated", "--count", str(count), "--cpu", str(cpu), "--memory", str(memory),
                            *agent_args]).start()
        wait_for(f"{count} simulated instances", lambda: self.ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0][
            "registeredContainerInstancesCount"] == count, timeout=300, interval=0.5)

    def stop(self):
        self.agent.stop()
        self.server.stop()


# ---------------------------------------------------------------------------- 1. reaction

def tasks_of(ecs, service):
    arns = []
    for page in ecs.get_paginator("list_tasks").paginate(cluster=CLUSTER, serviceName=service, desiredStatus="RUNNING"):
        arns += page["taskArns"]
    tasks = []
    for i in range(0, len(arns), 100):
        tasks += ecs.describe_tasks(cluster=CLUSTER, tasks=arns[i:i + 100])["tasks"]
    return tasks


def running_busy(ecs, service, busy_arn):
    return [t for t in tasks_of(ecs, service) if t["lastStatus"] == "RUNNING" and t["taskDefinitionArn"] == busy_arn]


def alarm_state(cw, name):
    return cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]


def reaction_round(stack, name, period, interval, poll, round_index, rounds):
    """One round: the service idles until its AlarmHigh is OK, load starts, and the
    driver polls until the added tasks run. Times are Unix seconds of this machine's clock,
    which the server shares."""
    ecs, aas, cw = stack.ecs, stack.aas, stack.cw
    ecs.create_service(cluster=CLUSTER, serviceName=name, taskDefinition="asb-idle", desiredCount=START_TASKS,
                       deploymentConfiguration={"minimumHealthyPercent": 0, "maximumPercent": 100})
    wait_for(f"{name}: {START_TASKS} idle tasks", lambda: len([t for t in tasks_of(ecs, name)
                                                                 if t["lastStatus"] == "RUNNING"]) == START_TASKS,
               timeout=120, interval=0.5)
    high = next(a for a in policy(aas, name) if "-AlarmHigh-" in a)
    log(f"{name}: idle, waiting for its AlarmHigh to be OK (about {AWS_HIGH_DATAPOINTS + 1} periods of {period} s)")
    wait_for(f"{name}: AlarmHigh OK", lambda: alarm_state(cw, high) == "OK",
               timeout=max(6 * period + 3 * interval, 60) + 120, interval=min(poll * 4, 5))
    busy_arn = ecs.describe_task_definition(taskDefinition="asb-busy")["taskDefinition"]["taskDefinitionArn"]
    # The AlarmHigh turns OK at an evaluation, so a load started right after it would
    # always start at the same point of the evaluation grid (every 10 s for periods under
    # a minute, every minute otherwise); each round starts at its own point instead.
    grid = 10 if period < 60 else 60
    phase = (round_index + 0.5) / rounds * grid
    time.sleep((phase - time.time() % grid) % grid)

    # Load starts: the busy revision replaces the idle tasks.
    requested = time.time()
    ecs.update_service(cluster=CLUSTER, service=name, taskDefinition="asb-busy")
    loaded = wait_for(f"{name}: {START_TASKS} busy tasks", lambda: (lambda b: b if len(b) == START_TASKS else None)(
        running_busy(ecs, name, busy_arn)), timeout=120, interval=0.05)
    load_start = max(t["startedAt"].timestamp() for t in loaded)
    first_tasks = {t["taskArn"] for t in loaded}
    log(f"{name}: load started {load_start - requested:.2f} s after UpdateService; watching")

    dims = [{"Name": "ClusterName", "Value": CLUSTER}, {"Name": "ServiceName", "Value": name}]
    resolution = 1 if interval < 60 else 60
    metric_seen = metric_stamp = metric_value = desired_seen = None
    deadline = load_start + REACTION_TIMEOUT
    while desired_seen is None:
        if time.time() > deadline:
            raise RuntimeError(f"{name}: no scale-out within {REACTION_TIMEOUT} s of load start "
                               f"(metric seen: {metric_seen}, AlarmHigh {alarm_state(cw, high)})")
        now = time.time()
        if metric_seen is None:
            answer = cw.get_metric_data(StartTime=datetime.datetime.fromtimestamp(load_start - 2 * resolution,
                                                                                  datetime.timezone.utc),
                                        EndTime=datetime.datetime.fromtimestamp(now + resolution, datetime.timezone.utc),
                                        MetricDataQueries=[{"Id": "cpu", "MetricStat": {"Metric": {
                                            "Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
                                            "Dimensions": dims}, "Period": resolution, "Stat": "Average"}}])
            above = [(stamp.timestamp(), value) for stamp, value in
                     zip(answer["MetricDataResults"][0]["Timestamps"], answer["MetricDataResults"][0]["Values"])
                     if value > TARGET]
            if above:
                metric_seen, (metric_stamp, metric_value) = time.time(), min(above)
        service = ecs.describe_services(cluster=CLUSTER, services=[name])["services"][0]
        if service["desiredCount"] > START_TASKS:
            desired_seen = time.time()
            desired = service["desiredCount"]
            break
        time.sleep(max(poll - (time.time() - now), 0))
    if metric_seen is None:       # the scale-out came before a poll saw the datapoint
        metric_seen, metric_stamp = desired_seen, load_start

    history = cw.describe_alarm_history(AlarmName=high, HistoryItemType="StateUpdate", MaxRecords=100)
    to_alarm = [item["Timestamp"].timestamp() for item in history["AlarmHistoryItems"]
                if json.loads(item.get("HistoryData") or "{}").get("newState", {}).get("stateValue") == "ALARM"
                or item["HistorySummary"].endswith("to ALARM")]
    alarm_at = min(t for t in to_alarm if t >= load_start - 1)
    activities = aas.describe_scaling_activities(ServiceNamespace="ecs", ResourceId=f"service/{CLUSTER}/{name}")[
        "ScalingActivities"]
    scaled = [a for a in activities if a["StatusCode"] == "Successful" and "AlarmHigh" in a["Cause"]
              and a["StartTime"].timestamp() >= load_start - 1]
    if not scaled:
        raise RuntimeError(f"{name}: desired count {desired} with no successful AlarmHigh activity: {activities}")
    activity_at = min(a["StartTime"].timestamp() for a in scaled)

    added = wait_for(f"{name}: {desired} busy tasks RUNNING",
                       lambda: (lambda b: b if len(b) >= desired else None)(running_busy(ecs, name, busy_arn)),
                       timeout=300, interval=0.05)
    new = [t for t in added if t["taskArn"] not in first_tasks]
    tasks_running = max(t["startedAt"].timestamp() for t in new)
    row = {"service": name, "load_start": load_start, "update_to_load": load_start - requested,
           "metric": metric_seen - load_start, "metric_timestamp": metric_stamp - load_start, "metric_value": metric_value,
           "alarm": alarm_at - metric_seen, "policy": activity_at - alarm_at, "tasks": tasks_running - activity_at,
           "total": tasks_running - load_start, "desired_seen": desired_seen - load_start,
           "from": START_TASKS, "to": desired, "added": len(new), "poll": poll,
           "load_start_in_grid": load_start % (10 if period < 60 else 60)}
    log(f"{name}: {START_TASKS} -> {desired} tasks, {row['total']:.1f} s after load start (metric "
        f"{row['metric']:.1f} s, alarm {row['alarm']:.1f} s, policy {row['policy']:.2f} s, tasks {row['tasks']:.2f} s)")
    ecs.update_service(cluster=CLUSTER, service=name, desiredCount=0)
    aas.deregister_scalable_target(ServiceNamespace="ecs", ResourceId=f"service/{CLUSTER}/{name}",
                                   ScalableDimension="ecs:service:DesiredCount")
    return row


def reaction(work, kind):
    if kind == "short":
        interval, period, rounds, poll = SHORT_INTERVAL, SHORT_PERIOD, SHORT_ROUNDS, 0.1
        server_args = ["--metrics-interval", str(interval), "--scaling-period", str(period),
                       "--service-healthy-after", "1"]
        agent_args = ["--metrics-interval", str(interval)]
    else:
        interval, period, rounds, poll = 60, AWS_PERIOD, DEFAULT_ROUNDS, 1.0
        server_args, agent_args = [], []        # the defaults: 60 s, 60 s, 40 s
    stack = Stack(work, f"reaction-{kind}", server_args, agent_args, REACTION_INSTANCES, 4096, 16384)
    try:
        task_definition(stack.ecs, "asb-idle", 0)
        task_definition(stack.ecs, "asb-busy", BUSY_UNITS)
        rows = [reaction_round(stack, f"web-{kind}-{n}", period, interval, poll, n, rounds) for n in range(rounds)]
        return {"interval": interval, "period": period, "server_args": server_args, "agent_args": agent_args,
                "rounds": rows}
    finally:
        stack.stop()


# -------------------------------------------------------------------------------- 2. cost

def alarm_passes(path):
    """(started, seconds, alarms) of every "alarm pass" line of the server's log."""
    passes = []
    for line in open(path, errors="replace"):
        if "alarm pass" not in line:
            continue
        fields = dict(re.findall(r"(\w+)=([\w.]+)", line))
        if {"alarms", "seconds", "started"} <= fields.keys():
            passes.append((float(fields["started"]), float(fields["seconds"]), int(fields["alarms"])))
    return passes


def alarm_states(cw):
    counts = {}
    for state in ("OK", "ALARM", "INSUFFICIENT_DATA"):
        n = 0
        for page in cw.get_paginator("describe_alarms").paginate(AlarmNamePrefix="TargetTracking-", StateValue=state,
                                                                  PaginationConfig={"PageSize": 100}):
            n += len(page["MetricAlarms"])
        counts[state] = n
    return counts


def cost(work, kind):
    if kind == "short":
        interval, period = COST_INTERVAL, COST_PERIOD
        server_args = ["--metrics-interval", str(interval), "--scaling-period", str(period)]
        agent_args = ["--metrics-interval", str(interval)]
    else:
        interval, period = 60, AWS_PERIOD
        server_args, agent_args = [], []
    per_instance = -(-SERVICES // INSTANCES) + 2
    stack = Stack(work, f"cost-{kind}", server_args, agent_args, INSTANCES, per_instance * RESERVED_UNITS,
                  per_instance * 128, debug=True)
    try:
        ecs, aas = stack.ecs, stack.aas
        task_definition(ecs, "asb-steady", STEADY_UNITS)
        names = [f"svc-{n:04d}" for n in range(SERVICES)]
        log(f"cost-{kind}: creating {SERVICES:,} services with a target tracking policy each")
        began, cpu_began = time.time(), cpu_seconds(stack.pid)

        def create(name):
            ecs.create_service(cluster=CLUSTER, serviceName=name, taskDefinition="asb-steady", desiredCount=1)
            return len(policy(aas, name))
        with ThreadPoolExecutor(8) as pool:
            alarms = sum(pool.map(create, names))
        setup = time.time() - began
        wait_for(f"{SERVICES} tasks RUNNING", lambda: ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0][
            "runningTasksCount"] == SERVICES, timeout=600, interval=2)
        ready = time.time()
        setup_cpu = cpu_seconds(stack.pid) - cpu_began
        # Settle: the tasks' first usage reports, publications and alarm evaluations.
        settle = max(3 * interval, 2 * period, 30)
        log(f"cost-{kind}: {alarms:,} alarms; set up in {setup:.0f} s, every task RUNNING after {ready - began:.0f} s; "
            f"settling {settle} s, then measuring {COST_SECONDS} s")
        time.sleep(settle)
        perf = None
        if PERF:
            profile = os.path.join(work, f"cost-{kind}.perf")
            perf = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-p", str(stack.pid), "-o", profile],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        load_before = loadavg()
        start, server0, agent0 = time.time(), cpu_seconds(stack.pid), cpu_seconds(stack.agent.process.pid)
        minutes = []
        mark, mark_cpu = start, server0
        while time.time() < start + COST_SECONDS:
            time.sleep(min(60, start + COST_SECONDS - time.time()))
            now, cpu = time.time(), cpu_seconds(stack.pid)
            minutes.append((cpu - mark_cpu) / (now - mark) * 60)
            mark, mark_cpu = now, cpu
        end = time.time()
        server_cpu = cpu_seconds(stack.pid) - server0
        agent_cpu = cpu_seconds(stack.agent.process.pid) - agent0
        if perf:
            os.killpg(perf.pid, signal.SIGINT)
            perf.wait(60)
            with open(profile + ".txt", "w") as out:
                subprocess.run(["perf", "report", "-i", profile, "--no-children", "--sort", "symbol", "--stdio",
                                "-g", "none"], stdout=out, stderr=subprocess.DEVNULL)
            log(f"cost-{kind}: profile in {profile} (and {profile}.txt)")
        window = end - start
        passes = [p for p in alarm_passes(stack.log_path) if start <= p[0] < end]
        evaluated = sum(p[2] for p in passes)
        states = alarm_states(stack.cw)
        activities = sum(1 for name in names[::50] for a in aas.describe_scaling_activities(
            ServiceNamespace="ecs", ResourceId=f"service/{CLUSTER}/{name}")["ScalingActivities"])
        result = {"interval": interval, "period": period, "services": SERVICES, "instances": INSTANCES,
                  "alarms": alarms, "setup_seconds": setup, "running_after": ready - began, "setup_cpu": setup_cpu,
                  "settle": settle, "window": window, "server_cpu": server_cpu, "agent_cpu": agent_cpu,
                  "core_share": server_cpu / window, "agent_share": agent_cpu / window,
                  "cpu_per_minute": server_cpu / window * 60, "minutes": minutes,
                  "passes": len(passes), "evaluated": evaluated, "evaluated_per_sec": evaluated / window,
                  "pass_seconds": sum(p[1] for p in passes), "longest_pass": max((p[1] for p in passes), default=0),
                  "states": states, "sampled_activities": activities, "load_before": load_before}
        log(f"cost-{kind}: server {result['core_share'] * 100:.1f} % of a core ({result['cpu_per_minute']:.2f} CPU s "
            f"per minute), {result['evaluated_per_sec']:.1f} alarms evaluated/s in {len(passes)} passes; "
            f"agents {result['agent_share'] * 100:.1f} %; alarm states {states}")
        return result
    finally:
        stack.stop()


# ------------------------------------------------------------------------------ report

INTRO = """## Service auto scaling (issue 13)
"""


def yes(met):
    return "yes" if met else "**no**"


def s(x):
    return f"{x:.2f} s" if abs(x) < 10 else f"{x:.1f} s"


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    return (ordered[(n - 1) // 2] + ordered[n // 2]) / 2


def render(r):
    lines, verdicts = [], []
    for kind, label in (("short", "Shortened periods"), ("default", "AWS's default periods")):
        x = r.get(f"reaction-{kind}")
        if not x:
            continue
        flags = " ".join(x["server_args"]) or "no options: --metrics-interval 60, --scaling-period 60, " \
                                                "--service-healthy-after 40"
        lines += [f"{label} (server: {flags}; agents: {' '.join(x['agent_args']) or '60 s reports'}); "
                  f"{len(x['rounds'])} round{'s' if len(x['rounds']) > 1 else ''}, each a new service of "
                  f"{START_TASKS} tasks that goes from 0 % to 100 % CPU against a target of {TARGET:.0f} %:", "",
                  "| Round | Load start after an evaluation time | Metric delay | Alarm evaluation | Policy | Task start | "
                  "Reaction | Tasks | Target | Met |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |"]
        period = x["period"]
        minimum = AWS_HIGH_DATAPOINTS * period
        for n, row in enumerate(x["rounds"], 1):
            target = minimum + period + row["tasks"]
            value = f" (first datapoint above: {row['metric_value']:.0f} %)" if row.get("metric_value") else ""
            met = row["total"] <= target
            lines.append(f"| {n} | {row['load_start_in_grid']:.1f} s | {s(row['metric'])} | {s(row['alarm'])} | "
                         f"{s(row['policy'])} | {s(row['tasks'])} | **{s(row['total'])}** | {row['from']} → "
                         f"{row['to']}{value} | {s(target)} | {yes(met)} |")
        totals = [row["total"] for row in x["rounds"]]
        worst = max(x["rounds"], key=lambda row: row["total"] - row["tasks"])
        worst_target = minimum + period + worst["tasks"]
        if len(totals) > 1:
            lines += ["", f"Median reaction {s(median(totals))}, slowest {s(max(totals))}."]
        lines.append("")
        verdicts.append((f"Reaction, {'shortened periods' if kind == 'short' else label} (alarm period {period} s; slowest round)",
                         s(worst["total"]), f"<= {minimum} + {period} + {s(worst['tasks'])} = {s(worst_target)}",
                         worst["total"] <= worst_target))
    if any(r.get(f"reaction-{k}") for k in ("short", "default")):
        lines += ["Metric delay: load start (the last busy task's `startedAt`) to the first poll of GetMetricData "
                  "that returned an `AWS/ECS` `CPUUtilization` datapoint above the target. Alarm evaluation: to the "
                  "AlarmHigh's StateUpdate to ALARM (DescribeAlarmHistory). Policy: to the scaling activity's "
                  "StartTime (DescribeScalingActivities). Task start: to the last added task's `startedAt`. "
                  "Target: AWS's minimum (3 datapoints of one alarm period each) + one alarm period + the round's "
                  "own task start.", ""]
    rows = [(k, r[f"cost-{k}"]) for k in ("short", "default") if r.get(f"cost-{k}")]
    if rows:
        lines += [f"{rows[0][1]['services']:,} services with a target tracking policy each "
                  f"({rows[0][1]['alarms']:,} managed alarms), one task each, on {rows[0][1]['instances']} simulated "
                  f"instances; the server's CPU over {COST_SECONDS} s of steady state:", "",
                  "| Periods | Set up (API calls; every task RUNNING) | Server CPU | CPU per minute (each minute) | "
                  "Alarms evaluated/s | Alarm passes (their wall time) | Agents' CPU | Alarm states after |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for kind, x in rows:
            label = f"metrics every {x['interval']} s, alarm period {x['period']} s" + (
                ", AWS's" if kind == "default" else "")
            each = ", ".join(f"{m:.2f}" for m in x["minutes"])
            states = ", ".join(f"{v:,} {k}" for k, v in x["states"].items() if v)
            lines.append(f"| {label} | {x['setup_seconds']:.0f} s; {x['running_after']:.0f} s | "
                         f"**{x['core_share'] * 100:.1f} % of a core** | {x['cpu_per_minute']:.2f} s ({each}) | "
                         f"{x['evaluated_per_sec']:.1f} | {x['passes']} ({x['pass_seconds']:.2f} s, longest "
                         f"{x['longest_pass']:.3f} s) | {x['agent_share'] * 100:.1f} % of a core | {states} |")
            # The target is for the periods its users run, AWS's (the reaction
            # times name the shortened ones; the cost does not): the 10 s run shows how the
            # cost grows with six times the evaluations, and is reported, not judged.
            if kind == "default":
                verdicts.append((f"{x['services']:,} scaled services, server CPU ({label})",
                                 f"{x['core_share'] * 100:.1f} % of a core", "< 10 %", x["core_share"] < 0.10))
        lines += ["", "Server CPU: user + system time of the `admiral server` process (/proc/PID/stat) over the "
                  "window, divided by the window; the agents (one `admiral agent` process simulating every "
                  "instance, reporting each task's usage every metrics interval) are a separate process, shown "
                  "beside it. Alarms evaluated/s: the alarms in the controller's `alarm pass` lines whose pass "
                  "began in the window, divided by the window. The target (under 10 % of a core) is for AWS's "
                  "periods; the run with 10 s periods, six times the evaluations and publications, is shown for "
                  "how the cost grows with them.", ""]
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


def record(doc, r, table, verdicts):
    load = "; ".join(f"{part} {values}" for part, values in r["loads"])
    section = "\n".join([
        BEGIN, "", "### Latest results", "",
        f"- Date: {r['date']}",
        f"- Command: `{r['command']}`",
        f"- Machine: {machine()}; the server, the agents' process and the Python driver share it",
        f"- Load averages (1, 5, 15 min) and CPU pressure (the share of the last minute in which work "
        f"waited for a CPU) before each part: {load}; after: {r['load_after']}",
        f"- Admiral: release build of {r['revision']}, Swift {r['swift_version']}, SQLite store",
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
    if doc and PERF:
        sys.exit("run.py: PERF=1 adds the profiler's cost to the server's; do not --record with it")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = scratch("autoscaling")
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout
    r = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
         "command": os.environ.get("BENCH_COMMAND", "benchmarks/autoscaling/run.sh"), "loads": [],
         "revision": revision(), "swift_version": (re.search(r"Swift version (\S+)", swift) or [None, "?"])[1]}
    ok = False
    try:
        for part in ALL_PARTS:
            if part not in PARTS:
                continue
            r["loads"].append((part, loadavg()))
            kind = part.split("-")[1]
            r[part] = reaction(work, kind) if part.startswith("reaction") else cost(work, kind)
            json.dump(r, open(os.path.join(work, "results.json"), "w"), indent=1, default=str)
        r["load_after"] = loadavg()
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
            log(f"logs and results.json kept in {work}")


if __name__ == "__main__":
    main(sys.argv)
