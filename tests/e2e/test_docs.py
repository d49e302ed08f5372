"""The documentation's commands, run as written: the README's first walkthrough and the
user guide's load balancer example, pasted into bash after the `export` lines of a real
`admiral dev` started by `scripts/dev` (on the test Docker daemon), and then checked for
what the docs promise. Also `scripts/dev` itself: Ctrl-C leaves the task containers
running and the next start adopts them; `scripts/dev stop` and `clean` end everything.

A block runs when the line just before its ```sh fence is `<!-- test: NAME -->`; blocks
with the same name run in order, as one script. Nothing in them is substituted: a block
that needs a value from an earlier command captures it in a shell variable."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import BINARY, DOCKER_HOST, docker, wait_for
from test_load_balancing import get

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(ROOT, "scripts", "dev")
SNIPPET_TIMEOUT = 900


def snippet(document, name):
    """The shell blocks of DOCUMENT (relative to the repository) marked `<!-- test: NAME -->`."""
    with open(os.path.join(ROOT, document)) as f:
        text = f.read()
    blocks = re.findall(r"^<!-- test: " + re.escape(name) + r" -->\n```sh\n(.*?)^```$", text, re.S | re.M)
    assert blocks, f"{document} has no ```sh block marked <!-- test: {name} -->"
    return "\n".join(blocks)


def tail_text(text, limit=6000):
    return text if len(text) <= limit else "..." + text[-limit:]


def ping(host):
    sock = host[len("unix://"):] if host.startswith("unix://") else host
    result = subprocess.run(["curl", "-sf", "--max-time", "2", "--unix-socket", sock, "http://localhost/_ping"],
                            capture_output=True, text=True)
    return result.returncode == 0


class Dev:
    """`scripts/dev` running `admiral dev` (the test's binary, ADMIRAL_BINARY), with its own
    state file and data folder."""

    def __init__(self, folder, docker_host=None, docker_dir=None, args=()):
        self.folder = folder
        self.data_dir = os.path.join(folder, "data")
        self.state_file = os.path.join(folder, "dev.state")
        self.docker_host = docker_host
        self.docker_dir = docker_dir
        self.args = list(args)
        self.process = None
        self.exports = []
        self.env = {}
        self.log_path = os.path.join(folder, "dev.log")

    def script_env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_") and k not in ("DOCKER_HOST", "ADMIRAL_PRIVATE_DOCKER", "ADMIRAL_DOCKER_DIR")}
        env.update(ADMIRAL_BINARY=BINARY, ADMIRAL_DEV_STATE=self.state_file)
        if self.docker_dir:
            env.update(ADMIRAL_PRIVATE_DOCKER="1", ADMIRAL_DOCKER_DIR=self.docker_dir)
        else:
            env["DOCKER_HOST"] = self.docker_host
        return env

    def start(self, timeout=240):
        self.exports = []
        self.env = {}
        log = open(self.log_path, "ab")
        # Its own session, like a terminal's foreground job: SIGINT reaches only it.
        self.process = subprocess.Popen(
            [SCRIPT, "--port", "0", "--data-dir", self.data_dir, *self.args],
            cwd=self.folder, env=self.script_env(), stdout=subprocess.PIPE, stderr=log, text=True,
            start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"scripts/dev exited early: {self.read_log()}")
            match = re.match(r"export (\w+)=(.*)", line.strip())
            if match:
                self.exports.append(line.strip())
                self.env[match.group(1)] = match.group(2)
            if "AWS_ENDPOINT_URL" in self.env:
                break
        else:
            raise AssertionError(f"scripts/dev printed no endpoint in time: {self.read_log()}")
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.env["AWS_ENDPOINT_URL"] + "/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError("admiral dev never became healthy")

    def read_log(self):
        try:
            with open(self.log_path) as f:
                return tail_text(f.read(), 4000)
        except OSError:
            return ""

    def state(self):
        with open(self.state_file) as f:
            return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)

    def host(self):
        return self.state()["docker_host"]

    def instance_id(self):
        with open(os.path.join(self.data_dir, "agent", "agent-state.json")) as f:
            return json.load(f)["containerInstanceArn"].split("/")[-1]

    def containers(self, host=None, running_only=False):
        """Ids of this agent's task containers."""
        args = ["ps", "-q", "--no-trunc", "--filter", f"label=admiral.container-instance={self.instance_id()}"]
        if not running_only:
            args.insert(1, "-a")
        return sorted(docker(*args, host=host or self.host(), timeout=120).split())

    def command(self, *args, timeout=180):
        """Runs `scripts/dev ARGS` as from another shell."""
        return subprocess.run([SCRIPT, *args], cwd=self.folder, env=self.script_env(), capture_output=True,
                              text=True, timeout=timeout)

    def client_env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_PAGER="", AWS_CONFIG_FILE=os.path.join(self.folder, "no-aws-config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.folder, "no-aws-credentials"))
        return env

    def run_shell(self, code, timeout=SNIPPET_TIMEOUT):
        """Runs CODE with bash as a reader would paste it after the export lines; stops at
        the first failing command. Returns its standard output."""
        path = os.path.join(self.folder, "snippet.sh")
        with open(path, "w") as f:
            f.write("set -euo pipefail\n" + "\n".join(self.exports) + "\n" + code)
        result = subprocess.run(["bash", "-x", path], cwd=self.folder, env=self.client_env(),
                                capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, (f"the snippet failed ({result.returncode})\nstdout:\n"
                                        f"{tail_text(result.stdout)}\nstderr:\n{tail_text(result.stderr)}\n"
                                        f"admiral dev:\n{self.read_log()}")
        return result.stdout

    def aws(self, *args):
        result = subprocess.run(["aws", "--output", "json", *args], env=dict(self.client_env(), **self.env),
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"aws {' '.join(args)} failed: {result.stderr}"
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def interrupt(self, timeout=60):
        """Ctrl-C: SIGINT to admiral dev; returns its exit code."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout)

    def finish(self):
        """The test's own cleanup, whatever state things are in."""
        if os.path.exists(self.state_file):
            self.command("clean" if self.docker_dir else "stop")
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.docker_dir:
            subprocess.run([os.path.join(ROOT, "scripts", "docker-down"), self.docker_dir], capture_output=True)
        elif os.path.exists(os.path.join(self.data_dir, "agent", "agent-state.json")):
            ids = self.containers(host=self.docker_host)
            if ids:
                docker("rm", "-f", "-v", *ids, check=False, host=self.docker_host, timeout=120)


@pytest.fixture
def make_dev():
    made = []

    def make(**kwargs):
        assert DOCKER_HOST, "ADMIRAL_DOCKER_HOST is not set: run the tests through scripts/test"
        folder = tempfile.mkdtemp(prefix="admiral-docs-")
        dev = Dev(folder, docker_host=None if kwargs.get("docker_dir") else DOCKER_HOST, **kwargs)
        made.append(dev)
        return dev

    yield make
    for dev in made:
        try:
            dev.finish()
        finally:
            shutil.rmtree(dev.folder, ignore_errors=True)


def tasks_of(dev, family):
    arns = []
    for status in ("RUNNING", "STOPPED"):
        arns += dev.aws("ecs", "list-tasks", "--family", family, "--desired-status", status)["taskArns"]
    if not arns:
        return []
    return dev.aws("ecs", "describe-tasks", "--tasks", *arns)["tasks"]


def test_the_readme_walkthrough_as_written(make_dev):
    # A new task counts as healthy 5 s after it starts instead of 40, so that the rolling
    # deployment takes less time; nothing else differs from `scripts/dev`.
    dev = make_dev(args=["--service-healthy-after", "5"]).start()
    output = dev.run_shell(snippet("README.md", "walkthrough"))
    lines = [line.strip() for line in output.splitlines()]

    # curl got the test image's page from the task's dynamic host port.
    assert "admiral-test" in lines

    # The standalone task stopped on SIGTERM (its shell traps it), not by SIGKILL after
    # the stop timeout (exit code 137), and describe-tasks reports how it went.
    standalone = [t for t in tasks_of(dev, "web") if t["group"] == "family:web"]
    assert len(standalone) == 1
    task = standalone[0]
    assert task["lastStatus"] == "STOPPED" and task["desiredStatus"] == "STOPPED"
    assert task["stopCode"] == "UserInitiated" and task["stoppedReason"] == "done"
    assert task["containers"][0]["exitCode"] == 0
    assert task["stoppingAt"] <= task["stoppedAt"]
    assert '"STOPPED"' in lines
    assert {"status": "STOPPED", "stopCode": "UserInitiated", "exitCode": 0} in json_objects(output)

    # The service reached a steady state, rolled its tasks over to a second deployment,
    # and was deleted; every task it started ends, each on SIGTERM.
    assert any("(service web) has started 2 tasks" in line for line in lines)
    assert '"DRAINING"' in lines
    service = dev.aws("ecs", "describe-services", "--services", "web")["services"][0]
    assert service["status"] in ("DRAINING", "INACTIVE") and service["desiredCount"] == 0

    def all_stopped():
        tasks = [t for t in tasks_of(dev, "web") if t["group"] == "service:web"]
        return tasks if tasks and all(t["lastStatus"] == "STOPPED" for t in tasks) else None
    stopped = wait_for("the service's tasks stopped", all_stopped, timeout=180, interval=1)
    assert len(stopped) >= 4 and len({t["startedBy"] for t in stopped}) >= 2
    assert {t["containers"][0]["exitCode"] for t in stopped} == {0}
    assert all(t["stoppingAt"] <= t["stoppedAt"] for t in stopped)


def json_objects(text):
    """The top-level JSON objects printed one after another in TEXT."""
    decoder, objects, index = json.JSONDecoder(), [], 0
    while index < len(text):
        if text[index] in "{[\"":
            try:
                value, end = decoder.raw_decode(text, index)
                objects.append(value)
                index = end
                continue
            except ValueError:
                pass
        index += 1
    return objects


def port_80_free(address):
    """Whether a listener could bind ADDRESS:80 now (as the data plane does, SO_REUSEADDR)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, 80))
            return True
        except OSError:
            return False


def test_the_guides_load_balancer_example_as_written(make_dev):
    dev = make_dev().start()
    # The example listens on port 80 of the first load balancer's address, 127.0.1.1. If
    # another program on this machine holds that port (another test run), load balancers
    # made first take the addresses in the way, so that `site` gets a free one.
    for n in range(1, 50):
        if port_80_free(f"127.0.1.{n}"):
            break
        dev.aws("elbv2", "create-load-balancer", "--name", f"docs-filler-{n}",
                "--subnets", "subnet-us-east-1a", "subnet-us-east-1b")
    else:
        pytest.fail("port 80 is taken on 127.0.1.1 to 127.0.1.49")

    output = dev.run_shell(snippet("docs/USER_GUIDE.md", "load-balancer"))
    # The two curls at the end: / went to edges, /cubebuster/ to cubebuster.
    assert output.splitlines()[-2:] == ["edges", "cubebuster"]

    site = dev.aws("elbv2", "describe-load-balancers", "--names", "site")["LoadBalancers"][0]
    assert site["DNSName"].startswith("127.0.1.")
    assert get(f"http://{site['DNSName']}/") == (200, "edges\n")
    assert get(f"http://{site['DNSName']}/cubebuster/") == (200, "cubebuster\n")
    assert get(f"http://{site['DNSName']}/cubebuster/index.html") == (200, "cubebuster\n")
    services = dev.aws("ecs", "describe-services", "--services", "edges", "cubebuster")["services"]
    assert [(s["serviceName"], s["runningCount"]) for s in services] == [("edges", 2), ("cubebuster", 2)]
    for service in services:
        group = service["loadBalancers"][0]["targetGroupArn"]
        health = dev.aws("elbv2", "describe-target-health", "--target-group-arn", group)["TargetHealthDescriptions"]
        assert len(health) == 2 and {h["TargetHealth"]["State"] for h in health} == {"healthy"}

    # scripts/dev stop ends admiral dev and removes the agent's task containers (and
    # leaves the test's Docker daemon, which it did not start, running).
    assert len(dev.containers(running_only=True)) == 4
    result = dev.command("stop")
    assert result.returncode == 0, result.stderr
    assert "killing it" not in result.stderr  # admiral dev ended on SIGTERM
    assert dev.process.wait(timeout=30) == 0
    assert dev.containers() == []
    assert ping(DOCKER_HOST)


def test_scripts_dev_ctrl_c_restart_stop_and_clean(make_dev):
    """A private Docker daemon (ADMIRAL_PRIVATE_DOCKER=1, as when no daemon answers):
    Ctrl-C leaves the task containers and the daemon running; the next start adopts the
    containers; `stop` ends admiral dev, removes the containers and stops the daemon
    (keeping its folder); `clean` deletes the daemon's folder and the data folder."""
    docker_dir = tempfile.mkdtemp(prefix="adm-dev-", dir="/tmp")
    dev = make_dev(docker_dir=docker_dir)
    help_text = dev.command("help")
    assert help_text.returncode == 0 and "scripts/dev stop" in help_text.stdout and "clean" in help_text.stdout

    dev.start()
    state = dev.state()
    host = f"unix://{docker_dir}/docker.sock"
    assert state["docker_host"] == host and state["docker_dir"] == docker_dir
    assert state["data_dir"] == dev.data_dir and state["pid"] == str(dev.process.pid)
    dev.aws("ecs", "register-task-definition", "--family", "web", "--container-definitions", json.dumps([{
        "name": "web", "image": "admiral-test/busybox", "memory": 32,
        "command": ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"],
        "portMappings": [{"containerPort": 8080, "hostPort": 0}]}]))
    arns = [t["taskArn"] for t in dev.aws("ecs", "run-task", "--task-definition", "web", "--count", "2")["tasks"]]

    def running():
        tasks = dev.aws("ecs", "describe-tasks", "--tasks", *arns)["tasks"]
        return tasks if all(t["lastStatus"] == "RUNNING" for t in tasks) else None
    wait_for("two RUNNING tasks", running, timeout=120, interval=0.5)
    containers = dev.containers(running_only=True)
    assert len(containers) == 2

    # Ctrl-C: admiral dev ends; the containers and the daemon stay.
    assert dev.interrupt() == 0
    assert ping(host)
    assert dev.containers(running_only=True) == containers

    # The next start adopts them: the same tasks on the same containers.
    dev.start()
    tasks = wait_for("the tasks RUNNING again", running, timeout=120, interval=0.5)
    assert sorted(t["containers"][0]["runtimeId"] for t in tasks) == containers
    assert dev.containers(running_only=True) == containers

    # stop, from another shell: everything ends, the daemon's folder (its images) stays.
    result = dev.command("stop")
    assert result.returncode == 0, result.stderr
    assert "killing it" not in result.stderr
    assert dev.process.wait(timeout=30) == 0
    assert not ping(host)
    assert os.path.isdir(os.path.join(docker_dir, "data")) and os.path.isdir(dev.data_dir)
    assert not owned_processes(docker_dir)
    # The daemon, started again on its folder, holds none of the agent's containers.
    up = subprocess.run([os.path.join(ROOT, "scripts", "docker-up"), docker_dir], capture_output=True, text=True,
                        timeout=120)
    assert up.returncode == 0, up.stderr
    assert dev.containers(host=host) == []
    assert "admiral-test/busybox" in docker("images", "--format", "{{.Repository}}", host=host, timeout=120)

    # clean: the daemon stops and its folder, the data folder and the state file go.
    result = dev.command("clean")
    assert result.returncode == 0, result.stderr
    assert not os.path.exists(docker_dir) and not os.path.exists(dev.data_dir)
    assert not os.path.exists(dev.state_file)
    assert not owned_processes(docker_dir)


def owned_processes(folder):
    """Processes whose command line names FOLDER (dockerd, containerd, shims)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if (folder + "/").encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def test_the_guides_cpu_alarm_fires_under_load_and_recovers(make_dev):
    """The guide's CloudWatch example: a service that burns a core, an alarm on its
    CPUUtilization above 50 %, ALARM while it burns, OK once an idle revision replaces it."""
    dev = make_dev(args=["--metrics-interval", "5", "--service-healthy-after", "1"]).start()
    output = dev.run_shell(snippet("docs/USER_GUIDE.md", "cloudwatch"))
    # The describe-alarms query printed the state and CloudWatch's reason.
    assert "ALARM" in output and "Threshold Crossed: 2 out of the last 2 datapoints" in output
    alarm = dev.aws("cloudwatch", "describe-alarms", "--alarm-names", "burner-cpu-high")["MetricAlarms"][0]
    assert alarm["StateValue"] == "OK"
    summaries = [item["HistorySummary"] for item in dev.aws(
        "cloudwatch", "describe-alarm-history", "--alarm-name", "burner-cpu-high",
        "--history-item-type", "StateUpdate")["AlarmHistoryItems"]]
    assert summaries[0] == "Alarm updated from ALARM to OK"
    assert any(summary.endswith("to ALARM") for summary in summaries[1:])
