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

    def start(self, timeout=30):
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

    def stop(self, sig=signal.SIGTERM, timeout=15):
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
