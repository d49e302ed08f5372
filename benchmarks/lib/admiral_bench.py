"""What the benchmark scripts share: an `admiral server` and `admiral agent` process,
boto3 clients for them, the Docker Engine API over its unix socket, and statistics.

Only 127.0.0.1 and the private Docker daemon's socket are ever contacted."""
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

TEST_IMAGE = "admiral-test/busybox:latest"


def log(message):
    print(f"==> {message}", flush=True, file=os.sys.stderr)


def loadavg():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def percentile(values, p):
    """The p-th percentile (0-100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low, high = int(rank), min(int(rank) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(values):
    return {"n": len(values), "p50": percentile(values, 50) * 1000, "p95": percentile(values, 95) * 1000,
            "mean": statistics.fmean(values) * 1000 if values else float("nan"),
            "max": max(values) * 1000 if values else float("nan")}


def wait_for(what, condition, timeout=60, interval=0.05):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `admiral server` on 127.0.0.1; ADMIRAL_SERVER_ARGS adds options to every
    server a benchmark starts (e.g. "--executor swift" to compare executors)."""

    def __init__(self, binary, data_dir, port=0, extra_args=()):
        self.binary, self.data_dir, self.port = binary, data_dir, port
        self.extra_args = [*os.environ.get("ADMIRAL_SERVER_ARGS", "").split(), *extra_args]
        self.process, self.env, self.endpoint = None, {}, None

    def start(self, timeout=60):
        os.makedirs(self.data_dir, exist_ok=True)
        started = time.time()
        self.process = subprocess.Popen(
            [self.binary, "server", "--data-dir", self.data_dir, "--port", str(self.port), "--log-level", "warning",
             *self.extra_args],
            stdout=subprocess.PIPE, stderr=open(os.path.join(self.data_dir, "server.log"), "ab"), text=True)
        env = {}
        while "AWS_ENDPOINT_URL" not in env:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("admiral server exited early; see " + self.data_dir + "/server.log")
            match = re.match(r"export (\w+)=(.*)", line.strip())
            if match:
                env[match.group(1)] = match.group(2)
        self.env.update(env)
        self.endpoint = env["AWS_ENDPOINT_URL"]
        self.port = urllib.parse.urlsplit(self.endpoint).port
        deadline = started + timeout
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.endpoint + "/health", timeout=2) as response:
                    if response.status == 200:
                        self.ready_after = time.time() - started
                        return self
            except OSError:
                time.sleep(0.01)
        raise RuntimeError("admiral server never became healthy")

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client_env(self):
        env = dict(os.environ)
        env.update(self.env)
        env.update(AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
            env.pop(name, None)
        return env

    def client(self, service="ecs", pool=10):
        import boto3
        from botocore.config import Config
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
            config=Config(retries={"max_attempts": 1}, max_pool_connections=pool, read_timeout=70))


class Agent:
    """One `admiral agent` process (real Docker or simulated instances)."""

    def __init__(self, binary, server, cluster, data_dir, args=()):
        self.binary, self.server, self.cluster, self.data_dir, self.args = binary, server, cluster, data_dir, list(args)
        self.process = None

    def start(self):
        os.makedirs(self.data_dir, exist_ok=True)
        self.process = subprocess.Popen(
            [self.binary, "agent", "--endpoint", self.server.endpoint, "--cluster", self.cluster,
             "--data-dir", self.data_dir, "--log-level", "warning", *self.args],
            env=self.server.client_env(), stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.data_dir, "agent.log"), "ab"))
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=60):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


class Engine:
    """Docker Engine's HTTP API over its unix socket (one connection per call)."""

    def __init__(self, docker_host):
        if not docker_host.startswith("unix://"):
            raise ValueError(f"{docker_host}: only unix:// Docker hosts are benchmarked")
        self.host = docker_host
        self.path = docker_host[len("unix://"):]

    def call(self, method, path, body=None):
        connection = UnixHTTPConnection(self.path)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            headers = {"Content-Type": "application/json"} if payload is not None else {}
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
            if response.status >= 300:
                raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
            return json.loads(data) if data else None
        finally:
            connection.close()

    def create_and_start(self, command, memory_mib=16, labels=None):
        created = self.call("POST", "/containers/create", {
            "Image": TEST_IMAGE, "Cmd": command, "Labels": labels or {},
            "HostConfig": {"NetworkMode": "host", "Memory": memory_mib * 1024 * 1024}})
        self.call("POST", f"/containers/{created['Id']}/start")
        return created["Id"]

    def container_events(self, since, until):
        """{(container id, action): time} of the daemon's container events between two
        Unix times (Docker's own nanosecond timestamps)."""
        connection = UnixHTTPConnection(self.path)
        try:
            query = urllib.parse.urlencode({"since": f"{since:.9f}", "until": f"{until:.9f}",
                                            "filters": json.dumps({"type": ["container"]})})
            connection.request("GET", "/events?" + query)
            response = connection.getresponse()
            data = response.read().decode()
        finally:
            connection.close()
        events = {}
        decoder = json.JSONDecoder()
        position = 0
        while position < len(data):
            while position < len(data) and data[position].isspace():
                position += 1
            if position >= len(data):
                break
            event, position = decoder.raw_decode(data, position)
            events.setdefault((event["Actor"]["ID"], event["Action"]), event["timeNano"] / 1e9)
        return events

    def kill(self, container):
        self.call("POST", f"/containers/{container}/kill")

    def remove_labelled(self, label):
        for container in self.call("GET", "/containers/json?all=1&filters=" + urllib.parse.quote(
                json.dumps({"label": [label]}))):
            self.call("DELETE", f"/containers/{container['Id']}?force=1")


def release_binary(root):
    if os.environ.get("SKIP_BUILD") != "1":
        log("swift build -c release --product admiral")
        subprocess.run(["swift", "build", "-c", "release", "--product", "admiral"], cwd=root, check=True,
                       stdout=os.sys.stderr)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "admiral")


def scratch(prefix):
    return tempfile.mkdtemp(prefix=f"admiral-bench-{prefix}-")


def revision():
    """The source of the binary measured: BENCH_REVISION when set (ADMIRAL_BINARY was built
    from another state of the tree than the current one), otherwise the commit and the Swift
    files that differ from it, as the working tree stands."""
    if os.environ.get("BENCH_REVISION"):
        return os.environ["BENCH_REVISION"]
    git = ["git", "-C", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    changed = subprocess.run([*git, "status", "--porcelain", "--", "Sources", "Package.swift"], capture_output=True,
                             text=True).stdout.split("\n")
    changed = [line[3:] for line in changed if line.strip()]
    return f"commit {commit or '?'}" + (f", with uncommitted changes to {', '.join(changed)}" if changed else "")


def write_results(doc, begin, end, section, intro):
    """Puts `section` (which starts with `begin` and ends with `end`) in place of the part
    of `doc` between those markers, or at its end after `intro` when it has none."""
    text = open(doc).read()
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + intro + "\n" + section + "\n"
    with open(doc, "w") as f:
        f.write(text)
    log(f"recorded in {doc}")
