#!/usr/bin/env python3
"""Agent benchmark (issue 3): the time from RunTask to RUNNING, beside the floor measured
in the same run on the same Docker daemon.

  benchmarks/agent/run.sh        (builds the release binary, brings up Docker, runs this)

1. Sequential: ROUNDS (default 50) rounds, each starting one single-container busybox task
   (host network, `sleep`) three ways, interleaved in a rotating order so drift hits all
   alike, each after a pause of PAUSE seconds (default 0.3) so it starts on a quiet host:
   - Admiral: RunTask through boto3 until the control plane records the task RUNNING
     (its startedAt, read back with DescribeTasks every 20 ms);
   - Engine API: POST /containers/create + /containers/{id}/start on the daemon's socket;
   - `docker run -d` with the same image, network and memory limit.
2. At once: BURST (default 100) tasks (10 RunTask calls of 10, in parallel) until all are
   RUNNING, beside BURST parallel Engine-API create + start.

Prints a markdown table (and JSON with --json)."""
import concurrent.futures
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from admiral_bench import (TEST_IMAGE, Agent, Engine, Server, loadavg, log, release_binary, scratch,  # noqa: E402
                           summary_ms, wait_for)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROUNDS = int(os.environ.get("ROUNDS", "50"))
BURST = int(os.environ.get("BURST", "100"))
PAUSE = float(os.environ.get("PAUSE", "0.3"))
COMMAND = ["sleep", "3600"]
LABEL = "admiral-bench=agent"


def wait_running(ecs, cluster, arns, interval=0.02, timeout=120):
    """When the last of the tasks became RUNNING, as the control plane recorded it (the
    task's startedAt: when the agent's report arrived), found by polling DescribeTasks.

    The time is the server's, not the poll's, so polling gently does not blur it and the
    poller does not take CPU from the start being measured."""
    pending = set(arns)
    latest = 0.0
    deadline = time.time() + timeout
    while pending and time.time() < deadline:
        for start in range(0, len(pending), 100):
            batch = list(pending)[start:start + 100]
            for task in ecs.describe_tasks(cluster=cluster, tasks=batch)["tasks"]:
                if task["lastStatus"] == "RUNNING":
                    pending.discard(task["taskArn"])
                    latest = max(latest, task["startedAt"].timestamp())
                elif task["lastStatus"] == "STOPPED":
                    raise RuntimeError(f"task stopped: {task.get('stoppedReason')} {task['containers']}")
        if pending:
            time.sleep(interval)
    if pending:
        raise RuntimeError(f"{len(pending)} tasks not RUNNING after {timeout}s")
    return latest


def main():
    docker_host = os.environ["ADMIRAL_DOCKER_HOST"]
    binary = release_binary(ROOT)
    engine = Engine(docker_host)
    work = scratch("agent")
    server = Server(binary, os.path.join(work, "server")).start()
    cluster = "bench-agent"
    agent = Agent(binary, server, cluster, os.path.join(work, "agent"), ["--docker-host", docker_host]).start()
    ecs = server.client(pool=20)
    results = {"rounds": ROUNDS, "burst": BURST, "load_before": loadavg()}
    try:
        ecs.create_cluster(clusterName=cluster)
        wait_for("the agent's instance", lambda: ecs.list_container_instances(cluster=cluster)["containerInstanceArns"])
        ecs.register_task_definition(family="bench-sleep", networkMode="host", containerDefinitions=[
            {"name": "app", "image": TEST_IMAGE, "memory": 16, "command": COMMAND, "stopTimeout": 1}])
        env = dict(os.environ, DOCKER_HOST=docker_host)

        # (started, seen RUNNING or start returned, container id) of each start, for the
        # breakdown by Docker's create and start events.
        starts = {"admiral": [], "engine": []}

        def admiral_once():
            started = time.time()
            arn = ecs.run_task(cluster=cluster, taskDefinition="bench-sleep")["tasks"][0]["taskArn"]
            running = wait_running(ecs, cluster, [arn])
            [task] = ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"]
            starts["admiral"].append((started, running, task["containers"][0]["runtimeId"]))
            return running - started

        def engine_once():
            started = time.time()
            container = engine.create_and_start(COMMAND, labels={"admiral-bench": "agent"})
            starts["engine"].append((started, time.time(), container))
            return time.time() - started

        def docker_run_once():
            started = time.time()
            subprocess.run(["docker", "run", "-d", "--network", "host", "-m", "16m", "--label", LABEL, TEST_IMAGE,
                            *COMMAND], env=env, check=True, stdout=subprocess.DEVNULL)
            return time.time() - started

        log("warm-up")
        for measure in (admiral_once, engine_once, docker_run_once):
            measure()
        times = {"admiral": [], "engine": [], "docker_run": []}
        log(f"{ROUNDS} sequential rounds")
        paths = [("admiral", admiral_once), ("engine", engine_once), ("docker_run", docker_run_once)]
        for number in range(ROUNDS):
            # Each start begins from a quiet host (what one start leaves behind, such as the
            # agent's follow-up inspect and report, is over), in an order that rotates.
            for name, measure in paths[number % 3:] + paths[:number % 3]:
                time.sleep(PAUSE)
                times[name].append(measure())
        results["sequential"] = {name: summary_ms(values) for name, values in times.items()}
        events = engine.container_events(starts["admiral"][0][0] - 1, time.time() + 1)
        results["breakdown"] = {}
        for name, rows in starts.items():
            phases = {"to_create_done": [], "create_done_to_start_done": [], "start_done_to_seen": []}
            for started, seen, container in rows:
                created, began = events.get((container, "create")), events.get((container, "start"))
                if created is None or began is None:
                    continue
                phases["to_create_done"].append(created - started)
                phases["create_done_to_start_done"].append(began - created)
                phases["start_done_to_seen"].append(seen - began)
            results["breakdown"][name] = {phase: summary_ms(values) for phase, values in phases.items()}

        log("clearing the sequential tasks and containers")
        arns = ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING", maxResults=100)["taskArns"]
        while arns:
            for arn in arns:
                ecs.stop_task(cluster=cluster, task=arn)
            arns = ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING", maxResults=100)["taskArns"]
        engine.remove_labelled(LABEL)
        wait_for("the sequential tasks stopped", lambda: not any(
            t["lastStatus"] != "STOPPED" for t in ecs.describe_tasks(
                cluster=cluster, tasks=ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"][:100]
            )["tasks"]), timeout=120)
        time.sleep(2)

        log(f"{BURST} tasks at once")
        calls = [min(10, BURST - start) for start in range(0, BURST, 10)]
        with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
            started = time.time()
            answers = list(pool.map(lambda n: ecs.run_task(cluster=cluster, taskDefinition="bench-sleep", count=n),
                                    calls))
        arns = [task["taskArn"] for answer in answers for task in answer["tasks"]]
        failures = [f for answer in answers for f in answer["failures"]]
        if failures or len(arns) != BURST:
            raise RuntimeError(f"burst placed {len(arns)} of {BURST}: {failures}")
        admiral_burst = wait_running(ecs, cluster, arns, interval=0.05, timeout=300) - started
        time.sleep(2)
        with concurrent.futures.ThreadPoolExecutor(BURST) as pool:
            started = time.time()
            list(pool.map(lambda _: engine.create_and_start(COMMAND, labels={"admiral-bench": "agent"}),
                          range(BURST)))
            engine_burst = time.time() - started
        results["burst_seconds"] = {"admiral": admiral_burst, "engine": engine_burst}
        results["load_after"] = loadavg()
    finally:
        try:
            for start in range(0, 10_000, 100):
                arns = ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING", maxResults=100)["taskArns"]
                if not arns:
                    break
                for arn in arns:
                    ecs.stop_task(cluster=cluster, task=arn)
            time.sleep(3)
        except Exception as error:  # the report matters more than a tidy exit
            log(f"stopping tasks: {error}")
        agent.stop()
        server.stop()
        engine.remove_labelled(LABEL)
        engine.remove_labelled("com.amazonaws.ecs.cluster=" + cluster)
    report(results)


def report(results):
    if "--json" in sys.argv:
        print(json.dumps(results, indent=2))
    seq = results["sequential"]
    floor = seq["engine"]["p50"]
    print(f"RunTask → RUNNING, {results['rounds']} sequential single-container tasks (busybox `sleep`, host "
          f"network); load before {results['load_before']}, after {results.get('load_after')}")
    print()
    print("| path | p50 | p95 | mean | max | p50 ÷ Engine-API p50 |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, label in [("admiral", "Admiral: RunTask → RUNNING (the task's startedAt)"),
                        ("engine", "Engine API: create + start"), ("docker_run", "`docker run -d`")]:
        s = seq[name]
        print(f"| {label} | {s['p50']:.0f} ms | {s['p95']:.0f} ms | {s['mean']:.0f} ms | {s['max']:.0f} ms | "
              f"{s['p50'] / floor:.2f}× |")
    print()
    print("Where the time goes (p50 of each phase, from Docker's own create and start events):")
    print()
    print("| path | request → create done | create done → start done | start done → RUNNING recorded |")
    print("|---|---:|---:|---:|")
    for name, label in [("admiral", "Admiral"), ("engine", "Engine API")]:
        b = results["breakdown"][name]
        print(f"| {label} | {b['to_create_done']['p50']:.1f} ms | {b['create_done_to_start_done']['p50']:.1f} ms | "
              f"{b['start_done_to_seen']['p50']:.1f} ms |")
    burst = results["burst_seconds"]
    print()
    print(f"{results['burst']} tasks at once: Admiral (10 parallel RunTask of 10) all RUNNING after "
          f"{burst['admiral']:.2f} s; {results['burst']} parallel Engine-API create + start "
          f"{burst['engine']:.2f} s; ratio {burst['admiral'] / burst['engine']:.2f}×")


if __name__ == "__main__":
    main()
