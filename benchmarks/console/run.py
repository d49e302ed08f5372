#!/usr/bin/env python3
"""Console benchmark (issue 16): the web console's pages in Debian's headless Chromium
(driven by Selenium through Debian's chromedriver), at two sizes:

- small: SMALL_SERVICES (10) services of 2 tasks on 3 simulated instances;
- large: SERVICES (1000) services, TASKS (10000) tasks in all, INSTANCES (1000) simulated
  instances.

For the clusters list, the cluster page, the services page, a service page and a task
page it measures, over RUNS (5) loads each: the time to first render (the browser's
first-contentful-paint) and to fully loaded (loadEventEnd), both from the start of the
navigation. Then the update latency: from UpdateService (a new desired count) to the
open service page showing it, over RUNS changes. It prints the figures as JSON; it writes
nothing else.

Simulated instances only (no Docker). ADMIRAL_BINARY names the binary to measure;
without it the release binary is built. SIZES=small or SIZES=large runs one size.
"""
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from admiral_bench import Agent, Server, loadavg, log, percentile, release_binary, scratch, wait_for  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUNS = int(os.environ.get("RUNS", "5"))
SMALL_SERVICES = int(os.environ.get("SMALL_SERVICES", "10"))
SERVICES = int(os.environ.get("SERVICES", "1000"))
TASKS = int(os.environ.get("TASKS", "10000"))
INSTANCES = int(os.environ.get("INSTANCES", "1000"))
SIZES = os.environ.get("SIZES", "small,large").split(",")
TIMING = """
const navigation = performance.getEntriesByType('navigation')[0];
const paint = performance.getEntriesByType('paint').find((entry) => entry.name === 'first-contentful-paint');
return {firstRender: paint ? paint.startTime : null, loaded: navigation.loadEventEnd,
        bytes: navigation.transferSize};
"""


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)


def sign_in(driver, server):
    from selenium.webdriver.common.by import By
    driver.get(server.endpoint + "/console/sign-in")
    driver.find_element(By.NAME, "accessKeyId").send_keys(server.env["AWS_ACCESS_KEY_ID"])
    driver.find_element(By.NAME, "secretAccessKey").send_keys(server.env["AWS_SECRET_ACCESS_KEY"])
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for("the clusters page", lambda: driver.current_url.endswith("/console/"), timeout=30)


def populate(server, services, tasks_each, instances):
    """A cluster of simulated instances running `services` services of `tasks_each` tasks."""
    ecs = server.client(pool=16)
    ecs.create_cluster(clusterName="bench")
    agent = Agent(server.binary, server, "bench", os.path.join(server.data_dir, "agent"),
                  ["--runtime", "simulated", "--count", str(instances), "--cpu", "16384", "--memory", "65536",
                   "--availability-zone", "us-east-1a", "--availability-zone", "us-east-1b",
                   "--availability-zone", "us-east-1c"]).start()
    wait_for(f"{instances} instances", lambda: len(list_all(ecs.list_container_instances, "containerInstanceArns",
                                                           cluster="bench")) == instances, timeout=600, interval=1)
    ecs.register_task_definition(family="bench", containerDefinitions=[
        {"name": "app", "image": "busybox", "memory": 16, "cpu": 8}])
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: ecs.create_service(cluster="bench", serviceName=f"svc-{i:04d}",
                                                   taskDefinition="bench", desiredCount=tasks_each),
                      range(services)))
    wait_for(f"{services * tasks_each} running tasks",
             lambda: ecs.describe_clusters(clusters=["bench"])["clusters"][0]["runningTasksCount"]
             == services * tasks_each, timeout=3600, interval=2)
    return ecs, agent


def list_all(call, key, **kwargs):
    items, token = [], None
    while True:
        page = call(**kwargs, **({"nextToken": token} if token else {}))
        items += page[key]
        token = page.get("nextToken")
        if not token:
            return items


def measure_pages(driver, server, ecs):
    task = ecs.list_tasks(cluster="bench", serviceName="svc-0000")["taskArns"][0].split("/")[-1]
    pages = {"clusters": "/console/", "cluster": "/console/clusters/bench",
             "services": "/console/clusters/bench/services", "service": "/console/clusters/bench/services/svc-0000",
             "task": f"/console/clusters/bench/tasks/{task}"}
    figures = {}
    for name, path in pages.items():
        renders, loads, size = [], [], 0
        for _ in range(RUNS):
            driver.get(server.endpoint + path)
            timing = wait_for("the page's timing", lambda: (lambda t: t if t["loaded"] else None)(
                driver.execute_script(TIMING)), timeout=60, interval=0.05)
            renders.append(timing["firstRender"] or timing["loaded"])
            loads.append(timing["loaded"])
            size = timing["bytes"]
        figures[name] = {"firstRenderMs": {"p50": percentile(renders, 50), "max": max(renders)},
                         "loadedMs": {"p50": percentile(loads, 50), "max": max(loads)}, "bytes": size}
        log(f"{name}: {figures[name]}")
    return figures


def measure_updates(driver, server, ecs):
    driver.get(server.endpoint + "/console/clusters/bench/services/svc-0001")
    read = "return document.querySelector('#counts [data-count=\"desired\"] .value').textContent;"
    wait_for("the live stream", lambda: driver.execute_script(
        "return document.getElementById('live-status').textContent") == "live", timeout=30)
    current = int(driver.execute_script(read))
    latencies = []
    for run in range(RUNS):
        target = current + (1 if run % 2 == 0 else -1)
        started = time.monotonic()
        ecs.update_service(cluster="bench", service="svc-0001", desiredCount=target)
        wait_for("the new desired count on the page", lambda: driver.execute_script(read) == str(target),
                 timeout=30, interval=0.005)
        latencies.append((time.monotonic() - started) * 1000)
        current = target
        time.sleep(1)
    return {"p50": percentile(latencies, 50), "max": max(latencies), "n": len(latencies)}


def run_size(binary, name, services, tasks_each, instances):
    work = scratch(f"console-{name}")
    server = Server(binary, os.path.join(work, "server"), extra_args=["--service-healthy-after", "0"]).start()
    server.binary = binary
    agent = None
    driver = browser()
    try:
        log(f"{name}: {services} services × {tasks_each} tasks on {instances} simulated instances")
        ecs, agent = populate(server, services, tasks_each, instances)
        sign_in(driver, server)
        result = {"services": services, "tasks": services * tasks_each, "instances": instances,
                  "pages": measure_pages(driver, server, ecs), "updateLatencyMs": measure_updates(driver, server, ecs)}
        return result
    finally:
        driver.quit()
        if agent:
            agent.stop()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def main():
    binary = os.environ.get("ADMIRAL_BINARY") or release_binary(ROOT)
    results = {"binary": binary, "loadavg": loadavg(), "runs": RUNS}
    if "small" in SIZES:
        results["small"] = run_size(binary, "small", SMALL_SERVICES, 2, 3)
    if "large" in SIZES:
        results["large"] = run_size(binary, "large", SERVICES, max(1, TASKS // SERVICES), INSTANCES)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
