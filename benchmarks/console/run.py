#!/usr/bin/env python3
"""Console benchmark (issue 16): the web console's pages in Debian's headless Chromium
(driven by Selenium through Debian's chromedriver), at two sizes:

- small: SMALL_SERVICES (10) services of TASKS_PER_SERVICE (10) tasks on SMALL_INSTANCES
  (10) simulated instances;
- large: SERVICES (1000) services, TASKS (10000) tasks in all, INSTANCES (1000) simulated
  instances.

For the cluster, service and task pages (and the clusters and services lists beside them)
it measures, over RUNS (7) loads each: the time to first render (the browser's
first-contentful-paint) and to fully loaded (loadEventEnd), both from the start of the
navigation. Each page is measured twice: quiet (nothing else open) and busy, with
LIVE_STREAMS (6) other live pages open (event streams of the cluster, services and
service pages, as open browser tabs hold them) while a task of another service is
stopped every CHURN_INTERVAL (1) s, so that the open pages have changes to push.

Then, busy as above, the update latency: from a task changing state (StopTask: its
desired status becomes STOPPED) to its open task page showing it, and to its open
service page showing it in the tasks table; and from UpdateService (a new desired count)
to the open service page showing it; RUNS changes each.

    benchmarks/console/run.py            print the figures
    benchmarks/console/run.py --record   ... and rewrite the console results in docs/BENCHMARKS.md

Simulated instances only (no Docker). ADMIRAL_BINARY names the binary to measure;
without it the release build in .build-release is built (SKIP_BUILD=1 skips that).
SIZES=small or SIZES=large runs one size (--record needs both). BENCH_REVISION names the
source of ADMIRAL_BINARY when it was not built from the working tree. Traffic goes to
127.0.0.1 only.
"""
import concurrent.futures
import datetime
import http.client
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from admiral_bench import (  # noqa: E402
    Agent, Server, loadavg, log, percentile, revision, scratch, wait_for, write_results)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOC = os.path.join(ROOT, "docs", "BENCHMARKS.md")
RUNS = int(os.environ.get("RUNS", "7"))
SMALL_SERVICES = int(os.environ.get("SMALL_SERVICES", "10"))
SMALL_INSTANCES = int(os.environ.get("SMALL_INSTANCES", "10"))
TASKS_PER_SERVICE = int(os.environ.get("TASKS_PER_SERVICE", "10"))
SERVICES = int(os.environ.get("SERVICES", "1000"))
TASKS = int(os.environ.get("TASKS", "10000"))
INSTANCES = int(os.environ.get("INSTANCES", "1000"))
LIVE_STREAMS = int(os.environ.get("LIVE_STREAMS", "6"))
CHURN_INTERVAL = float(os.environ.get("CHURN_INTERVAL", "1"))
SIZES = os.environ.get("SIZES", "small,large").split(",")
RENDER_TARGET_MS = 200
UPDATE_TARGET_MS = 1000
BEGIN = "<!-- console-results:begin (benchmarks/console/run.py --record rewrites this part) -->"
END = "<!-- console-results:end -->"
TIMING = """
const navigation = performance.getEntriesByType('navigation')[0];
const paint = performance.getEntriesByType('paint').find((entry) => entry.name === 'first-contentful-paint');
return {firstRender: paint ? paint.startTime : null, loaded: navigation.loadEventEnd,
        bytes: navigation.decodedBodySize};
"""
PAGES = [("cluster", True), ("service", True), ("task", True), ("clusters list", False), ("services list", False)]


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch a browser or driver.
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(PAGE_TIMEOUT_S)
    return driver


def sign_in(driver, server):
    from selenium.webdriver.common.by import By
    driver.get(server.endpoint + "/console/sign-in")
    driver.find_element(By.NAME, "accessKeyId").send_keys(server.env["AWS_ACCESS_KEY_ID"])
    driver.find_element(By.NAME, "secretAccessKey").send_keys(server.env["AWS_SECRET_ACCESS_KEY"])
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for("the clusters page", lambda: driver.current_url.endswith("/console/"), timeout=30)


def list_all(call, key, **kwargs):
    items, token = [], None
    while True:
        page = call(**kwargs, **({"nextToken": token} if token else {}))
        items += page[key]
        token = page.get("nextToken")
        if not token:
            return items


def populate(server, services, tasks_each, instances):
    """A cluster of simulated instances running `services` services of `tasks_each` tasks."""
    ecs = server.client(pool=16)
    ecs.create_cluster(clusterName="bench")
    agent = Agent(server.binary, server, "bench", os.path.join(server.data_dir, "agent"),
                  ["--runtime", "simulated", "--count", str(instances), "--cpu", "16384", "--memory", "65536",
                   "--availability-zone", "us-east-1a", "--availability-zone", "us-east-1b",
                   "--availability-zone", "us-east-1c"]).start()
    wait_for(f"{instances} instances", lambda: len(list_all(ecs.list_container_instances, "containerInstanceArns",
                                                           cluster="bench")) == instances, timeout=900, interval=1)
    ecs.register_task_definition(family="bench", containerDefinitions=[
        {"name": "app", "image": "busybox", "memory": 16, "cpu": 8}])
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: ecs.create_service(cluster="bench", serviceName=f"svc-{i:04d}",
                                                   taskDefinition="bench", desiredCount=tasks_each),
                      range(services)))
    wait_for(f"{services * tasks_each} running tasks",
             lambda: ecs.describe_clusters(clusters=["bench"])["clusters"][0]["runningTasksCount"]
             == services * tasks_each, timeout=3600, interval=2)
    return ecs, agent


class Busy:
    """Other open live pages (event streams held open and read, as a browser tab holds
    them) and a task of another service stopped every CHURN_INTERVAL s."""

    def __init__(self, server, cookie, services):
        self.server, self.cookie, self.services = server, cookie, services
        self.stop = threading.Event()
        self.threads, self.events, self.stopped = [], 0, 0
        self.lock = threading.Lock()

    def __enter__(self):
        paths = ["/console/clusters/bench", "/console/clusters/bench/services",
                 "/console/clusters/bench/services/svc-0002", "/console/clusters/bench/services/svc-0003"]
        for index in range(LIVE_STREAMS):
            self.threads.append(threading.Thread(target=self.stream, args=(paths[index % len(paths)],), daemon=True))
        self.threads.append(threading.Thread(target=self.churn, daemon=True))
        for thread in self.threads:
            thread.start()
        time.sleep(2)
        return self

    def __exit__(self, *_):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)

    def stream(self, path):
        host = urllib.parse.urlsplit(self.server.endpoint)
        while not self.stop.is_set():
            connection = http.client.HTTPConnection(host.hostname, host.port, timeout=5)
            try:
                connection.request("GET", path, headers={"Accept": "text/event-stream", "Cookie": self.cookie})
                response = connection.getresponse()
                while not self.stop.is_set():
                    line = response.readline()
                    if not line:
                        break
                    if line.startswith(b"event: fragments"):
                        with self.lock:
                            self.events += 1
            except OSError:
                time.sleep(0.2)
            finally:
                connection.close()

    def churn(self):
        ecs = self.server.client(pool=2)
        rng = random.Random(16)
        while not self.stop.wait(CHURN_INTERVAL):
            # Services past the first ten: the measured pages are of svc-0000 and svc-0001.
            service = f"svc-{rng.randrange(min(10, self.services - 1), self.services):04d}"
            try:
                arns = ecs.list_tasks(cluster="bench", serviceName=service, desiredStatus="RUNNING")["taskArns"]
                if arns:
                    ecs.stop_task(cluster="bench", task=rng.choice(arns), reason="console benchmark churn")
                    with self.lock:
                        self.stopped += 1
            except Exception as error:  # a refused call is not the page's figure
                log(f"churn: {error}")


PAGE_TIMEOUT_S = 60


def load(driver, url):
    """Loads a page; False when it did not finish loading within PAGE_TIMEOUT_S (the run
    is then counted as that long)."""
    from selenium.common.exceptions import TimeoutException
    try:
        driver.get(url)
        return True
    except TimeoutException:
        log(f"{url} did not load within {PAGE_TIMEOUT_S} s")
        driver.execute_script("window.stop();")
        return False


def measure_page(driver, url):
    renders, loads, size = [], [], 0
    load(driver, url)  # a first load warms the browser's connection and its caches
    for _ in range(RUNS):
        if not load(driver, url):
            renders.append(PAGE_TIMEOUT_S * 1000)
            loads.append(PAGE_TIMEOUT_S * 1000)
            continue
        timing = wait_for("the page's timing", lambda: (lambda t: t if t["loaded"] else None)(
            driver.execute_script(TIMING)), timeout=60, interval=0.02)
        renders.append(timing["firstRender"] or timing["loaded"])
        loads.append(timing["loaded"])
        size = timing["bytes"]
    return {"firstRenderMs": {"p50": percentile(renders, 50), "max": max(renders)},
            "loadedMs": {"p50": percentile(loads, 50), "max": max(loads)}, "bytes": size}


def measure_pages(driver, server, ecs, condition):
    task = ecs.list_tasks(cluster="bench", serviceName="svc-0000", desiredStatus="RUNNING")["taskArns"][0]
    paths = {"clusters list": "/console/", "cluster": "/console/clusters/bench",
             "services list": "/console/clusters/bench/services",
             "service": "/console/clusters/bench/services/svc-0000",
             "task": "/console/clusters/bench/tasks/" + task.split("/")[-1]}
    figures = {}
    for name, _ in PAGES:
        figures[name] = measure_page(driver, server.endpoint + paths[name])
        log(f"{condition} {name}: {figures[name]}")
    return figures


def wait_live(driver):
    wait_for("the live stream", lambda: driver.execute_script(
        "return document.getElementById('live-status').textContent") == "live", timeout=30)


UPDATE_TIMEOUT_S = 30


def settle(what, shown):
    """Waits for the page to show a change; a change not shown within UPDATE_TIMEOUT_S
    counts as that long."""
    try:
        wait_for(what, shown, timeout=UPDATE_TIMEOUT_S, interval=0.005)
    except RuntimeError as error:
        log(str(error))


def timed(change, shown, what):
    started = time.monotonic()
    change()
    settle(what, shown)
    return (time.monotonic() - started) * 1000


def measure_updates(driver, server, ecs):
    """Update latencies on open live pages; the driver holds two tabs (the task's page
    and its service's page) and reads each with a script."""
    latencies = {"task page: task stopped": [], "service page: task stopped": [],
                 "service page: desired count": []}
    service_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    task_tab = driver.current_window_handle
    service_url = server.endpoint + "/console/clusters/bench/services/svc-0001"
    read_task_row = """
        const link = Array.from(document.querySelectorAll('#tasks a')).find((a) => a.textContent === arguments[0]);
        return link ? Array.from(link.closest('tr').cells).map((cell) => cell.textContent) : null;"""
    read_desired = "return document.querySelector('#counts [data-count=\"desired\"] .value').textContent;"
    read_task = """
        const terms = Array.from(document.querySelectorAll('#task dt'));
        const term = terms.find((dt) => dt.textContent === 'Desired status');
        return term ? term.nextElementSibling.textContent : null;"""
    for run in range(RUNS):
        arns = ecs.list_tasks(cluster="bench", serviceName="svc-0001", desiredStatus="RUNNING")["taskArns"]
        task = sorted(arns)[run % len(arns)].split("/")[-1]
        driver.switch_to.window(task_tab)
        driver.get(server.endpoint + "/console/clusters/bench/tasks/" + task)
        wait_live(driver)
        driver.switch_to.window(service_tab)
        driver.get(service_url)
        wait_live(driver)
        wait_for("the task on the service page", lambda: driver.execute_script(read_task_row, task), timeout=30)
        time.sleep(0.5)
        started = time.monotonic()
        ecs.stop_task(cluster="bench", task=task, reason="console benchmark")
        settle("the stopped task on the service page",
               lambda: (driver.execute_script(read_task_row, task) or ["", "", ""])[2] == "STOPPED")
        latencies["service page: task stopped"].append((time.monotonic() - started) * 1000)
        driver.switch_to.window(task_tab)
        settle("the stopped task on its page", lambda: driver.execute_script(read_task) == "STOPPED")
        # The task page is read after the service page: its figure is an upper bound.
        latencies["task page: task stopped"].append((time.monotonic() - started) * 1000)
        driver.switch_to.window(service_tab)
        current = int(driver.execute_script(read_desired))
        target = current + (1 if run % 2 == 0 else -1)
        latencies["service page: desired count"].append(timed(
            lambda: ecs.update_service(cluster="bench", service="svc-0001", desiredCount=target),
            lambda: driver.execute_script(read_desired) == str(target), "the new desired count on the page"))
        time.sleep(1)
    driver.switch_to.window(task_tab)
    driver.close()
    driver.switch_to.window(service_tab)
    return {name: {"p50": percentile(values, 50), "max": max(values), "n": len(values)}
            for name, values in latencies.items()}


def measure_update_task_page_alone(driver, server, ecs):
    """StopTask to the open task page showing it, with only that page open."""
    values = []
    read_task = """
        const terms = Array.from(document.querySelectorAll('#task dt'));
        const term = terms.find((dt) => dt.textContent === 'Desired status');
        return term ? term.nextElementSibling.textContent : null;"""
    for run in range(RUNS):
        arns = ecs.list_tasks(cluster="bench", serviceName="svc-0000", desiredStatus="RUNNING")["taskArns"]
        task = sorted(arns)[run % len(arns)].split("/")[-1]
        driver.get(server.endpoint + "/console/clusters/bench/tasks/" + task)
        wait_live(driver)
        time.sleep(0.5)
        values.append(timed(lambda: ecs.stop_task(cluster="bench", task=task, reason="console benchmark"),
                            lambda: driver.execute_script(read_task) == "STOPPED", "the stopped task on its page"))
    return {"p50": percentile(values, 50), "max": max(values), "n": len(values)}


def run_size(binary, name, services, tasks_each, instances):
    work = scratch(f"console-{name}")
    server = Server(binary, os.path.join(work, "server"), extra_args=["--service-healthy-after", "0"]).start()
    server.binary = binary
    agent = None
    driver = browser()
    try:
        log(f"{name}: {services} services × {tasks_each} tasks on {instances} simulated instances")
        started = time.monotonic()
        ecs, agent = populate(server, services, tasks_each, instances)
        log(f"{name}: populated in {time.monotonic() - started:.0f} s")
        sign_in(driver, server)
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
        result = {"services": services, "tasks": services * tasks_each, "instances": instances,
                  "loads": {"quiet": loadavg()}}
        result["quiet"] = measure_pages(driver, server, ecs, "quiet")
        result["updateAloneMs"] = measure_update_task_page_alone(driver, server, ecs)
        result["loads"]["busy"] = loadavg()
        with Busy(server, cookie, services) as busy:
            result["busy"] = measure_pages(driver, server, ecs, "busy")
            result["updateMs"] = measure_updates(driver, server, ecs)
            result["busyStats"] = {"streams": LIVE_STREAMS, "fragments": busy.events, "stopped": busy.stopped}
        log(f"{name}: updates {result['updateAloneMs']} {result['updateMs']}")
        return result
    finally:
        driver.quit()
        if agent:
            agent.stop()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def fmt_ms(value):
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def yes(met):
    return "yes" if met else "**no**"


def render(r):
    lines, verdicts = [], []
    for size in ("small", "large"):
        if size not in r:
            continue
        s = r[size]
        lines += [f"{size.capitalize()}: {s['services']:,} services, {s['tasks']:,} tasks, "
                  f"{s['instances']:,} simulated instances; {RUNS} loads of each page (p50 / max). Busy: "
                  f"{s['busyStats']['streams']} other live pages open while a task of another service was stopped "
                  f"every {CHURN_INTERVAL:g} s ({s['busyStats']['stopped']} stopped, "
                  f"{s['busyStats']['fragments']} updates pushed to those pages).", "",
                  "| Page | HTML | First render, quiet | Loaded, quiet | First render, busy | Loaded, busy |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for page, targeted in PAGES:
            q, b = s["quiet"][page], s["busy"][page]
            lines.append(
                f"| {page} | {q['bytes'] / 1024:,.0f} KiB | {fmt_ms(q['firstRenderMs']['p50'])} / "
                f"{fmt_ms(q['firstRenderMs']['max'])} | {fmt_ms(q['loadedMs']['p50'])} / {fmt_ms(q['loadedMs']['max'])} "
                f"| {fmt_ms(b['firstRenderMs']['p50'])} / {fmt_ms(b['firstRenderMs']['max'])} | "
                f"{fmt_ms(b['loadedMs']['p50'])} / {fmt_ms(b['loadedMs']['max'])} |")
            if size == "large" and targeted:
                for condition, figures in (("quiet", q), ("busy", b)):
                    worst = max(figures["firstRenderMs"]["p50"], figures["loadedMs"]["p50"])
                    verdicts.append((f"{page} page, {condition}: first render and loaded (p50)",
                                     fmt_ms(worst), f"< {RENDER_TARGET_MS} ms", worst < RENDER_TARGET_MS))
        lines += ["", "| Update (from the API call to the open page showing it) | p50 | max | Changes |",
                  "| --- | ---: | ---: | ---: |"]
        updates = [("task page, only page open: task stopped", s["updateAloneMs"])]
        updates += [(f"{name}, busy", figures) for name, figures in s["updateMs"].items()]
        for name, figures in updates:
            lines.append(f"| {name} | {fmt_ms(figures['p50'])} | {fmt_ms(figures['max'])} | {figures['n']} |")
            if size == "large" and "task stopped" in name:
                verdicts.append((f"{name} (max)", fmt_ms(figures["max"]), f"< {UPDATE_TARGET_MS:,} ms",
                                 figures["max"] < UPDATE_TARGET_MS))
        lines.append("")
    if verdicts:
        lines += ["| Target (large size) | Measured | Target | Met |", "| --- | ---: | ---: | --- |"]
        lines += [f"| {name} | {value} | {target} | {yes(met)} |" for name, value, target, met in verdicts]
    return "\n".join(lines), verdicts


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               "unknown")
    memory = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal:")) / 1048576
    system = next((line.split("=", 1)[1].strip().strip('"') for line in open("/etc/os-release")
                   if line.startswith("PRETTY_NAME=")), platform.system())
    return f"{os.cpu_count()} CPUs ({cpu}), {memory:.0f} GiB RAM, {system}, Linux {platform.release()}"


def versions():
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout
    chromium = subprocess.run([shutil.which("chromium") or "chromium", "--version"], capture_output=True,
                              text=True).stdout.strip()
    import selenium
    return {"swift": (swift.split("version ", 1)[1].split()[0] if "version " in swift else "?"),
            "chromium": chromium or "?", "selenium": selenium.__version__}


def record(r, table, verdicts):
    load = "; ".join(f"{size} {when} {value}" for size in ("small", "large") if size in r
                     for when, value in r[size]["loads"].items())
    v = r["versions"]
    section = "\n".join([
        BEGIN, "", "### Latest results", "",
        f"- Date: {r['date']}",
        f"- Command: `{r['command']}`",
        f"- Machine: {machine()}; the server, the simulated agent, Chromium and the Python clients share it",
        f"- Load averages (1, 5, 15 min) before each part: {load}; after: {r['load_after']}",
        f"- Admiral: release build of {r['revision']}, Swift {v['swift']}; {v['chromium']} (headless), "
        f"Selenium {v['selenium']}",
        "", table, "",
        f"All targets met: {yes(all(met for *_, met in verdicts))}.", "", END])
    write_results(DOC, BEGIN, END, section, "")


def main(argv):
    recording = argv[1:] == ["--record"]
    if argv[1:] and not recording:
        sys.exit(__doc__)
    if recording and set(SIZES) != {"small", "large"}:
        sys.exit("run.py: --record needs both sizes (leave SIZES unset)")
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        sys.exit("run.py: chromium and chromedriver are missing (scripts/install-test-deps installs Debian's)")
    binary = os.environ.get("ADMIRAL_BINARY")
    if not binary:
        build = ["swift", "build", "-c", "release", "--product", "admiral", "--scratch-path", ".build-release"]
        if os.environ.get("SKIP_BUILD") != "1":
            log(" ".join(build))
            subprocess.run(build, cwd=ROOT, check=True, stdout=sys.stderr)
        path = subprocess.run([*build[:4], "--scratch-path", ".build-release", "--show-bin-path"], cwd=ROOT,
                              check=True, capture_output=True, text=True).stdout.strip()
        binary = os.path.join(path, "admiral")
    r = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
         "command": "benchmarks/console/run.py" + (" --record" if recording else ""), "revision": revision(),
         "versions": versions()}
    if "small" in SIZES:
        r["small"] = run_size(binary, "small", SMALL_SERVICES, TASKS_PER_SERVICE, SMALL_INSTANCES)
    if "large" in SIZES:
        r["large"] = run_size(binary, "large", SERVICES, max(1, TASKS // SERVICES), INSTANCES)
    r["load_after"] = loadavg()
    print(json.dumps(r, indent=1), file=sys.stderr)
    table, verdicts = render(r)
    print(table)
    if recording:
        record(r, table, verdicts)


if __name__ == "__main__":
    main(sys.argv)
