#!/usr/bin/env python3
"""Services benchmark (issue 5), in one run:

1. Replacement: a 3-task service on one Docker agent; KILLS (default 20) times a running
   task's container is killed through the Engine API, and the time until the service has
   3 RUNNING tasks again (a new one among them) is measured by polling every 10 ms.
2. Rolling deployments of a 10-task service, 100 %/200 % and then 50 %/100 %: the time
   from UpdateService to the new deployment COMPLETED and alone, beside the ideal (the
   RunTask → RUNNING p50 measured here × the number of waves: 1 and 2).
3. Controller scale: SERVICES (default 1000) one-task services on as many simulated
   instances; the time until all are steady after creation, and after a kill -9 and
   restart of the server (no task lost, none extra), beside the restart of an empty server.

The server runs with --service-healthy-after 0 (a RUNNING task without health checks counts
healthy at once; ECS waits 40 s), so the deployment figures measure Admiral, not that wait.
"""
import concurrent.futures
import json
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from admiral_bench import (TEST_IMAGE, Agent, Engine, Server, free_port, loadavg, log, release_binary,  # noqa: E402
                           scratch, summary_ms, wait_for)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KILLS = int(os.environ.get("KILLS", "20"))
SERVICES = int(os.environ.get("SERVICES", "1000"))
SERVER_ARGS = ["--service-healthy-after", "0"]
# Exits at once on SIGTERM (the trap interrupts `wait`), so stops take no stopTimeout.
COMMAND = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]


def running_tasks(ecs, cluster, service):
    arns = ecs.list_tasks(cluster=cluster, serviceName=service, desiredStatus="RUNNING")["taskArns"]
    if not arns:
        return []
    return [t for t in ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if t["lastStatus"] == "RUNNING"]


def run_to_running(ecs, cluster, family, count=1):
    """RunTask of `count` tasks → the last one RUNNING as the control plane recorded it
    (startedAt); the tasks are stopped again."""
    started = time.time()
    arns = [t["taskArn"] for t in ecs.run_task(cluster=cluster, taskDefinition=family, count=count)["tasks"]]
    while True:
        tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]
        if all(task["lastStatus"] == "RUNNING" for task in tasks):
            elapsed = max(task["startedAt"].timestamp() for task in tasks) - started
            for arn in arns:
                ecs.stop_task(cluster=cluster, task=arn)
            return elapsed
        time.sleep(0.02)


def docker_part(binary, docker_host, results):
    engine = Engine(docker_host)
    work = scratch("services")
    server = Server(binary, os.path.join(work, "server"), extra_args=SERVER_ARGS).start()
    cluster = "bench-services"
    agent = Agent(binary, server, cluster, os.path.join(work, "agent"), ["--docker-host", docker_host]).start()
    ecs = server.client()
    try:
        ecs.create_cluster(clusterName=cluster)
        wait_for("the agent's instance", lambda: ecs.list_container_instances(cluster=cluster)["containerInstanceArns"])
        for revision in range(3):
            ecs.register_task_definition(family="bench-web", networkMode="host", containerDefinitions=[
                {"name": "app", "image": TEST_IMAGE, "memory": 16, "command": COMMAND,
                 "environment": [{"name": "REVISION", "value": str(revision)}]}])

        log("task start time (10 RunTask → RUNNING), and waves of 5 and 10 tasks at once")
        starts = []
        for _ in range(10):
            time.sleep(0.3)
            starts.append(run_to_running(ecs, cluster, "bench-web:1"))
        results["task_start"] = summary_ms(starts)
        results["wave"] = {}
        for count in (5, 10):
            waves = []
            for _ in range(3):
                time.sleep(1.5)
                waves.append(run_to_running(ecs, cluster, "bench-web:1", count))
            results["wave"][count] = summary_ms(waves)
        time.sleep(2)

        log(f"replacement after a kill, {KILLS} kills")
        ecs.create_service(cluster=cluster, serviceName="kills", taskDefinition="bench-web:1", desiredCount=3)
        wait_for("3 running", lambda: len(running_tasks(ecs, cluster, "kills")) == 3, timeout=60)
        replacements = []
        for _ in range(KILLS):
            time.sleep(0.5)
            tasks = running_tasks(ecs, cluster, "kills")
            victim = tasks[0]
            before = {t["taskArn"] for t in tasks}
            killed_at = time.time()
            engine.kill(victim["containers"][0]["runtimeId"])
            while True:
                now = running_tasks(ecs, cluster, "kills")
                arns = {t["taskArn"] for t in now}
                new = [t for t in now if t["taskArn"] not in before]
                if len(now) == 3 and victim["taskArn"] not in arns and new:
                    # The replacement's startedAt: when the control plane learned it runs.
                    replacements.append(max(t["startedAt"].timestamp() for t in new) - killed_at)
                    break
                if time.time() - killed_at > 60:
                    raise RuntimeError("no replacement within 60 s")
                time.sleep(0.02)
        results["replacement"] = summary_ms(replacements)
        ecs.update_service(cluster=cluster, service="kills", desiredCount=0)
        ecs.delete_service(cluster=cluster, service="kills", force=True)

        log("rolling deployments of a 10-task service")
        ecs.create_service(cluster=cluster, serviceName="rolling", taskDefinition="bench-web:1", desiredCount=10,
                           deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 200})
        wait_for("10 running", lambda: steady(ecs, cluster, "rolling", 10), timeout=120)
        results["deployments"] = []
        for revision, (minimum, maximum, waves) in [(2, (100, 200, 1)), (3, (50, 100, 2))]:
            started = time.time()
            ecs.update_service(cluster=cluster, service="rolling", taskDefinition=f"bench-web:{revision}",
                               deploymentConfiguration={"minimumHealthyPercent": minimum, "maximumPercent": maximum})
            wait_for("the deployment completed", lambda: steady(ecs, cluster, "rolling", 10, f"bench-web:{revision}"),
                     timeout=300, interval=0.02)
            results["deployments"].append({"minimum": minimum, "maximum": maximum, "waves": waves,
                                           "seconds": time.time() - started})
        ecs.update_service(cluster=cluster, service="rolling", desiredCount=0)
        ecs.delete_service(cluster=cluster, service="rolling", force=True)
        time.sleep(2)
    finally:
        agent.stop()
        server.stop()
        engine.remove_labelled("com.amazonaws.ecs.cluster=" + cluster)
        shutil.rmtree(work, ignore_errors=True)


def steady(ecs, cluster, name, count, revision=None):
    [service] = ecs.describe_services(cluster=cluster, services=[name])["services"]
    deployments = service["deployments"]
    if len(deployments) != 1 or deployments[0].get("rolloutState") != "COMPLETED":
        return False
    if revision and not deployments[0]["taskDefinition"].endswith(revision):
        return False
    return service["runningCount"] == count and service["pendingCount"] == 0


def all_steady(ecs, cluster, names):
    unsteady = 0
    for start in range(0, len(names), 10):
        for service in ecs.describe_services(cluster=cluster, services=names[start:start + 10])["services"]:
            deployments = service["deployments"]
            if not (service["runningCount"] == service["desiredCount"] and service["pendingCount"] == 0
                    and len(deployments) == 1 and deployments[0].get("rolloutState") == "COMPLETED"):
                unsteady += 1
    return unsteady == 0


def task_count(ecs, cluster):
    total, token = 0, None
    while True:
        page = ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING", maxResults=100,
                              **({"nextToken": token} if token else {}))
        total += len(page["taskArns"])
        token = page.get("nextToken")
        if not token:
            return total


def scale_part(binary, results):
    work = scratch("services-scale")
    port = free_port()
    data = os.path.join(work, "server")
    server = Server(binary, data, port=port, extra_args=SERVER_ARGS).start()
    cluster = "bench-scale"
    agent = Agent(binary, server, cluster, os.path.join(work, "agents"),
                  ["--runtime", "simulated", "--count", str(SERVICES), "--cpu", "2048", "--memory", "4096",
                   "--availability-zone", "us-east-1a", "--availability-zone", "us-east-1b",
                   "--availability-zone", "us-east-1c"]).start()
    ecs = server.client(pool=16)
    names = [f"svc-{n:04d}" for n in range(SERVICES)]
    try:
        ecs.create_cluster(clusterName=cluster)
        wait_for(f"{SERVICES} instances", lambda: ecs.describe_clusters(clusters=[cluster])["clusters"][0][
            "registeredContainerInstancesCount"] == SERVICES, timeout=300, interval=0.5)
        ecs.register_task_definition(family="bench-scale", containerDefinitions=[
            {"name": "app", "image": TEST_IMAGE, "memory": 64, "cpu": 64}])
        log(f"creating {SERVICES} services")
        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda name: ecs.create_service(cluster=cluster, serviceName=name,
                                                          taskDefinition="bench-scale", desiredCount=1), names))
        created = time.time() - started
        wait_for("all services steady", lambda: all_steady(ecs, cluster, names), timeout=600, interval=0.5)
        results["scale"] = {"services": SERVICES, "create_seconds": created, "steady_seconds": time.time() - started,
                            "tasks_before": task_count(ecs, cluster)}

        log("kill -9 of the server, restart")
        server.stop(signal.SIGKILL)
        restarted = Server(binary, data, port=port, extra_args=SERVER_ARGS)
        started = time.time()
        restarted.start()
        ready = time.time() - started
        ecs = restarted.client(pool=16)
        wait_for("all services steady after the restart", lambda: all_steady(ecs, cluster, names), timeout=600,
                 interval=0.2)
        steady_after = time.time() - started
        time.sleep(5)
        results["scale"].update(restart_ready_seconds=ready, restart_steady_seconds=steady_after,
                                tasks_after=task_count(ecs, cluster),
                                still_steady_5s_later=all_steady(ecs, cluster, names))
        server = restarted
    finally:
        agent.stop()
        server.stop()

    log("baseline: restart of an empty server")
    empty = os.path.join(work, "empty")
    first = Server(binary, empty).start()
    first.stop(signal.SIGKILL)
    again = Server(binary, empty).start()
    results["scale"]["empty_restart_ready_seconds"] = again.ready_after
    again.stop()
    shutil.rmtree(work, ignore_errors=True)


def main():
    binary = release_binary(ROOT)
    results = {"load_before": loadavg()}
    docker_part(binary, os.environ["ADMIRAL_DOCKER_HOST"], results)
    scale_part(binary, results)
    results["load_after"] = loadavg()
    if "--json" in sys.argv:
        print(json.dumps(results, indent=2))
    report(results)


def report(r):
    start = r["task_start"]["p50"]
    print(f"Services; server with --service-healthy-after 0; load before {r['load_before']}, after {r['load_after']}")
    print()
    rep = r["replacement"]
    print(f"Kill → replacement RUNNING over {rep['n']} kills: p50 {rep['p50']:.0f} ms, p95 {rep['p95']:.0f} ms, "
          f"max {rep['max']:.0f} ms (target < 2,000 ms); a RunTask → RUNNING here: p50 {start:.0f} ms, "
          f"so p50 replacement ÷ task start = {rep['p50'] / start:.2f}×")
    print()
    print("| rolling deployment, 10 tasks | waves | duration | ideal: waves × one task's start (p50) | ratio "
          "| waves × a wave's start (p50, measured) | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for d in r["deployments"]:
        ideal = d["waves"] * start / 1000
        size = 10 // d["waves"]
        wave = d["waves"] * r["wave"][size]["p50"] / 1000
        print(f"| {d['minimum']} % / {d['maximum']} % | {d['waves']} of {size} | {d['seconds']:.2f} s | {ideal:.2f} s | "
              f"{d['seconds'] / ideal:.1f}× | {wave:.2f} s | {d['seconds'] / wave:.1f}× |")
    s = r["scale"]
    print()
    print(f"{s['services']} one-task services on {s['services']} simulated instances: created in "
          f"{s['create_seconds']:.1f} s, all steady {s['steady_seconds']:.1f} s after the first CreateService; "
          f"{s['tasks_before']} tasks running.")
    print(f"After kill -9 and restart: healthy in {s['restart_ready_seconds']:.2f} s (an empty server: "
          f"{s['empty_restart_ready_seconds']:.2f} s), all services steady in {s['restart_steady_seconds']:.2f} s; "
          f"{s['tasks_after']} tasks running, steady 5 s later: {s['still_steady_5s_later']}.")


if __name__ == "__main__":
    main()
