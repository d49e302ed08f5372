"""Fixtures for the end-to-end tests: the real `admiral` binary on a free port with a
temporary data folder, and clients (the `aws` CLI, boto3, raw signed HTTP) pointed at it.

The tests run only under the README's test command, which sets ADMIRAL_E2E=1 and
ADMIRAL_BINARY; under it a missing binary or tool is a failure, never a skip.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

import boto3
import botocore.config
import pytest

BINARY = os.environ.get("ADMIRAL_BINARY", "")


def pytest_configure(config):
    if os.environ.get("ADMIRAL_E2E") != "1":
        raise pytest.UsageError("run the end-to-end tests through scripts/test (it sets ADMIRAL_E2E=1)")
    if not BINARY or not os.access(BINARY, os.X_OK):
        raise pytest.UsageError(f"ADMIRAL_BINARY={BINARY!r} is not an executable admiral binary")
    if shutil.which("aws") is None:
        raise pytest.UsageError("the aws CLI is not installed; scripts/install-test-deps installs it")


class AdmiralServer:
    """One `admiral server` process and what a client needs to reach it."""

    def __init__(self, data_dir, extra_args=()):
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.process = None
        self.env = {}
        self.endpoint = None
        self.log_path = os.path.join(data_dir, "server.log")

    def start(self, timeout=60):
        os.makedirs(self.data_dir, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [BINARY, "server", "--data-dir", self.data_dir, "--port", "0", *self.extra_args],
            stdout=subprocess.PIPE, stderr=log, text=True)
        deadline = time.time() + timeout
        env = {}
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"admiral server exited early: {self.read_log()}")
            match = re.match(r"export (\w+)=(.*)", line.strip())
            if match:
                env[match.group(1)] = match.group(2)
            if "AWS_ENDPOINT_URL" in env:
                break
        else:
            raise RuntimeError("admiral server did not print its endpoint in time")
        self.endpoint = env["AWS_ENDPOINT_URL"]
        self.env.update(env)
        self.wait_healthy(deadline)
        return self

    def wait_healthy(self, deadline):
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.endpoint + "/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("admiral server never became healthy")

    def read_log(self):
        try:
            with open(self.log_path) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def kill(self):
        return self.stop(signal.SIGKILL)

    # Clients

    def client_env(self):
        env = dict(os.environ)
        env.update(self.env)
        env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        env["AWS_PAGER"] = ""
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            env.pop(name, None)
        env["AWS_CONFIG_FILE"] = os.path.join(self.data_dir, "no-aws-config")
        env["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(self.data_dir, "no-aws-credentials")
        return env

    def aws(self, *args, check=True, input=None):
        """Runs the real aws CLI; returns parsed JSON output (or the CompletedProcess when check=False)."""
        result = subprocess.run(
            ["aws", "--endpoint-url", self.endpoint, "--output", "json", *args],
            env=self.client_env(), capture_output=True, text=True, timeout=60, input=input)
        if not check:
            return result
        if result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def boto3(self, service="ecs", **kwargs):
        """A boto3 client for this server; access_key/secret_key override the printed keys
        (needed with --credentials, where none are printed); other kwargs go to Config."""
        access_key = kwargs.pop("access_key", None) or self.env["AWS_ACCESS_KEY_ID"]
        secret_key = kwargs.pop("secret_key", None) or self.env["AWS_SECRET_ACCESS_KEY"]
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.env.get("AWS_DEFAULT_REGION", "us-east-1"),
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=botocore.config.Config(retries={"max_attempts": 0}, **kwargs),
        )


@pytest.fixture
def server():
    data_dir = tempfile.mkdtemp(prefix="admiral-e2e-")
    instance = AdmiralServer(data_dir).start()
    yield instance
    instance.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def make_server():
    """Starts servers on demand (for restarts and custom flags); stops them all at the end."""
    started = []
    folders = []

    def make(data_dir=None, extra_args=()):
        if data_dir is None:
            data_dir = tempfile.mkdtemp(prefix="admiral-e2e-")
            folders.append(data_dir)
        instance = AdmiralServer(data_dir, extra_args).start()
        started.append(instance)
        return instance

    yield make
    for instance in started:
        try:
            instance.stop()
        except Exception:
            pass
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


# Agents and Docker

DOCKER_HOST = os.environ.get("ADMIRAL_DOCKER_HOST", "")
TEST_IMAGE = "admiral-test/busybox:latest"


def docker(*args, check=True, host=None, timeout=60):
    """Runs the docker CLI against the test daemon (or the daemon at `host`); returns its stdout."""
    if not (host or DOCKER_HOST):
        raise AssertionError("ADMIRAL_DOCKER_HOST is not set: run the tests through scripts/test")
    env = dict(os.environ, DOCKER_HOST=host or DOCKER_HOST)
    result = subprocess.run(["docker", *args], env=env, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed: {result.stderr}")
    return result.stdout


class AdmiralAgentProcess:
    """One `admiral agent` process registered with a server."""

    def __init__(self, server, data_dir, cluster, args=(), cluster_flag=True):
        self.server = server
        self.data_dir = data_dir
        self.cluster = cluster
        self.args = list(args)
        self.cluster_flag = cluster_flag
        self.process = None
        self.log_path = os.path.join(data_dir, "agent.log")

    def start(self):
        os.makedirs(self.data_dir, exist_ok=True)
        env = self.server.client_env()
        command = [BINARY, "agent", "--endpoint", self.server.endpoint, "--data-dir", self.data_dir, *self.args]
        if self.cluster_flag:
            command += ["--cluster", self.cluster]
        if "--runtime" not in self.args:
            command += ["--docker-host", DOCKER_HOST]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                        stderr=open(self.log_path, "ab"))
        return self

    def arn(self, timeout=60):
        """The container instance ARN the agent registered, once it has."""
        path = os.path.join(self.data_dir, "agent-state.json")
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"admiral agent exited: {self.read_log()}")
            try:
                with open(path) as f:
                    state = json.load(f)
                if state.get("containerInstanceArn") and state.get("cluster") == self.cluster:
                    return state["containerInstanceArn"]
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        raise AssertionError(f"admiral agent did not register: {self.read_log()}")

    def read_log(self):
        try:
            with open(self.log_path) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self):
        self.stop(signal.SIGKILL)


@pytest.fixture
def make_agent():
    """Starts agents on demand; stops them and removes their containers at the end."""
    started = []
    folders = []

    def make(server, cluster, args=(), data_dir=None, cluster_flag=True):
        if data_dir is None:
            data_dir = tempfile.mkdtemp(prefix="admiral-agent-")
            folders.append(data_dir)
        agent = AdmiralAgentProcess(server, data_dir, cluster, args, cluster_flag).start()
        started.append(agent)
        return agent

    yield make
    clusters = {agent.cluster for agent in started}
    for agent in started:
        agent.stop()
    for cluster in clusters:
        ids = docker("ps", "-aq", "--filter", f"label=com.amazonaws.ecs.cluster={cluster}", check=False).split()
        if ids:
            docker("rm", "-f", "-v", *ids, check=False)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def wait_for(what, condition, timeout=60, interval=0.1):
    """Polls `condition` until it returns a truthy value, which is returned. The timeout
    only bounds a wait that would otherwise never end: it returns as soon as the state is
    reached, so it is generous enough for a machine busy with other work."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")
