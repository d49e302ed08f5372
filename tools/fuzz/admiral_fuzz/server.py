"""Starting `admiral server` on a temporary data folder, and `admiral check` after."""
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.request


class ServerProcess:
    def __init__(self, binary, data_dir=None, extra_args=()):
        self.binary = binary
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="admiral-fuzz-")
        self.extra_args = list(extra_args)
        self.process = None
        self.env = {}
        self.log_path = os.path.join(self.data_dir, "server.log")

    def start(self, timeout=60):
        os.makedirs(self.data_dir, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [self.binary, "server", "--data-dir", self.data_dir, "--port", "0", "--log-level", "warning",
             *self.extra_args],
            stdout=subprocess.PIPE, stderr=log, text=True)
        deadline = time.time() + timeout
        while time.time() < deadline and "AWS_ENDPOINT_URL" not in self.env:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"admiral server exited early: {self.log_tail()}")
            match = re.match(r"export (\w+)=(.*)", line.strip())
            if match:
                self.env[match.group(1)] = match.group(2)
        if "AWS_ENDPOINT_URL" not in self.env:
            raise RuntimeError("admiral server did not print its endpoint in time")
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.endpoint + "/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("admiral server never became healthy")

    @property
    def endpoint(self):
        return self.env["AWS_ENDPOINT_URL"]

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def log_tail(self, size=4000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-size:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, timeout=60):
        if not self.alive():
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def run_check(binary, data_dir, timeout=300):
    """`admiral check --data-dir D`: (status, output), or (None, why) when the binary has
    no check command yet."""
    try:
        probe = subprocess.run([binary, "check", "--help"], capture_output=True, text=True, timeout=30)
    except OSError as error:
        return None, f"cannot run {binary}: {error}"
    if probe.returncode != 0:
        return None, "`admiral check` is not available in this binary"
    result = subprocess.run([binary, "check", "--data-dir", data_dir], capture_output=True, text=True,
                            timeout=timeout)
    return result.returncode, (result.stdout + result.stderr).strip()


def healthy(endpoint, timeout=5):
    try:
        with urllib.request.urlopen(endpoint + "/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False
