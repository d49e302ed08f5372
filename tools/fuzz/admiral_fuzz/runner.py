"""The fuzz run: find what the server serves, then for each operation in turn send a
valid request and mutations of it, check every answer, watch the server, and keep each
finding where it can be replayed."""
import collections
import json
import os
import random
import re
import time

from . import checks, models, mutations, seeds
from .wire import Client, Dropped, Hang, Spec, build

AUTH_SHARE, PROTOCOL_SHARE = 0.3, 0.5

# Calls whose identifiers make up the state a refused request must not change.
STATE_CALLS = [
    ("ecs", "json", "ListClusters", {}),
    ("ecs", "json", "ListTaskDefinitionFamilies", {}),
    ("elbv2", "query", "DescribeLoadBalancers", {}),
    ("elbv2", "query", "DescribeTargetGroups", {}),
    ("cloudwatch", "json", "DescribeAlarms", {}),
    ("cloudwatch", "json", "ListDashboards", {}),
    ("logs", "json", "DescribeLogGroups", {}),
    ("application-autoscaling", "json", "DescribeScalableTargets", {"ServiceNamespace": "ecs"}),
]

PROBE_OPERATION = "AdmiralFuzzNoSuchOperation"


class ServerGone(Exception):
    pass


class Target:
    def __init__(self, service, protocol, name):
        self.service = service
        self.protocol = protocol
        self.name = name
        self.operation = service.operation(name)

    @property
    def key(self):
        return f"{self.service.name}/{self.protocol}/{self.name}"


class Stats:
    def __init__(self):
        self.requests = 0
        self.by_target = collections.Counter()
        self.statuses = collections.Counter()
        self.codes = collections.Counter()
        self.mutations = collections.Counter()
        self.accepted_invalid = collections.Counter()
        self.findings = collections.Counter()
        self.state_checks = 0
        self.started = time.time()


class Fuzzer:
    def __init__(self, endpoint, credentials, seed=1, requests=10_000, duration=None, operations=None,
                 services=None, findings_dir="fuzz-findings", timeout=10.0, mutations_per_op=8, state_window=40,
                 server=None, log=print, max_saved_per_signature=3):
        self.endpoint = endpoint
        self.credentials = credentials
        self.seed = seed
        self.rng = random.Random(seed)
        self.budget = requests
        self.deadline = time.time() + duration if duration else None
        self.operations = re.compile(operations) if operations else None
        self.services = models.load_services(services)
        self.signing_names = {s.name: s.signing_name for s in self.services}
        self.findings_dir = findings_dir
        self.timeout = timeout
        self.mutations_per_op = mutations_per_op
        self.state_window = state_window
        self.server = server
        self.log = log
        self.client = Client(endpoint, timeout)
        self.pool = models.Pool()
        self.generator = models.Generator(self.rng, self.pool)
        self.stats = Stats()
        self.findings = []
        self.saved = collections.Counter()
        self.max_saved = max_saved_per_signature
        self.targets = []
        self.skipped = {}
        self.seed_counter = 0

    # --- sending -----------------------------------------------------------------------

    def out_of_budget(self):
        return self.stats.requests >= self.budget or (self.deadline is not None and time.time() >= self.deadline)

    def send(self, spec, operation):
        raw = build(spec, self.endpoint, self.credentials, self.signing_names)
        self.stats.requests += 1
        self.stats.by_target[f"{spec.service}/{spec.protocol}/{spec.operation}"] += 1
        self.stats.mutations[spec.mutation] += 1
        try:
            response = self.client.send(raw)
        except Hang:
            self.finding("hang", f"no answer within {self.timeout} s", spec, raw, None)
            self.ensure_alive(spec, raw)
            return None, None
        except Dropped as error:
            self.ensure_alive(spec, raw)
            self.finding("dropped", f"the connection ended without an answer ({error})", spec, raw, None)
            return None, None
        except OSError as error:
            self.ensure_alive(spec, raw)
            self.finding("dropped", f"could not send ({error})", spec, raw, None)
            self.client.close()
            return None, None
        verdict = checks.check(spec, response, operation, spec.protocol)
        self.stats.statuses[response.status] += 1
        if verdict.error_code:
            self.stats.codes[f"{response.status} {verdict.error_code}"] += 1
        for kind, mutation in verdict.notes:
            if kind == "accepted-invalid":
                self.stats.accepted_invalid[mutation] += 1
        for kind, detail in verdict.findings:
            self.finding(kind, detail, spec, raw, response)
        return response, verdict

    def ensure_alive(self, spec, raw):
        from .server import healthy
        alive = self.server.alive() if self.server is not None else healthy(self.endpoint)
        if not alive:
            tail = self.server.log_tail() if self.server is not None else ""
            self.finding("crash", f"the server is gone after this request. Log tail:\n{tail}", spec, raw, None)
            raise ServerGone()

    def finding(self, kind, detail, spec, raw, response, extra=None):
        self.stats.findings[kind] += 1
        signature = (kind, spec.service, spec.operation, spec.mutation)
        self.saved[signature] += 1
        entry = {"kind": kind, "detail": detail, "service": spec.service, "protocol": spec.protocol,
                 "operation": spec.operation, "mutation": spec.mutation, "request": self.stats.requests,
                 "seed": self.seed}
        if self.saved[signature] <= self.max_saved:
            folder = os.path.join(self.findings_dir, f"{len(self.findings) + 1:04d}-{kind}-{spec.service}-"
                                                     f"{spec.operation}-{spec.mutation}"[:150])
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "spec.json"), "w") as f:
                json.dump(spec.to_json(), f, indent=1)
            with open(os.path.join(folder, "request.bin"), "wb") as f:
                f.write(raw)
            if response is not None:
                with open(os.path.join(folder, "response.bin"), "wb") as f:
                    f.write(response.raw)
            with open(os.path.join(folder, "finding.json"), "w") as f:
                json.dump(dict(entry, **(extra or {})), f, indent=1)
            entry["folder"] = folder
            self.log(f"FINDING {kind}: {spec.service} {spec.operation} {spec.mutation}: {detail[:300]} -> {folder}")
        self.findings.append(entry)

    # --- requests from the model ----------------------------------------------------------

    def valid_spec(self, target, params, mutation="valid"):
        serialized = models.serialize(target.service, target.protocol, target.operation, params)
        spec = Spec(target.service.name, target.protocol, target.name, mutation, "any",
                    headers=serialized.headers, body=serialized.body)
        return spec, serialized

    def pick(self, name, fallback):
        known = self.pool.candidates(name)
        return self.rng.choice(known) if known else fallback

    def params_for(self, target):
        seed = seeds.seed_for(target.service.name, target.name)
        if seed is not None and self.rng.random() < 0.5:
            self.seed_counter += 1
            return seed(self.pick, self.rng, self.seed_counter)
        if target.operation.input_shape is None:
            return {}
        return self.generator.value(target.operation.input_shape)

    def harvest(self, target, response):
        output = checks.parsed_output(response, target.operation, target.protocol)
        if isinstance(output, dict):
            output.pop("ResponseMetadata", None)
            self.pool.harvest(output)

    # --- probing ---------------------------------------------------------------------------

    def probe_spec(self, service, protocol, operation, mutation="probe"):
        if protocol == "json":
            headers = {"Content-Type": f"application/x-amz-json-{service.json_version}",
                       "X-Amz-Target": f"{service.target_prefix}.{operation}"}
            body = b"{}"
        else:
            headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
            body = f"Action={operation}&Version={service.api_version}".encode()
        return Spec(service.name, protocol, operation, mutation, "any", headers=headers, body=body)

    def probe(self):
        """The operations the server serves, on each protocol: an operation is not served
        when it is refused as an unknown operation is (its name in the message)."""
        for service in self.services:
            for protocol in service.protocols:
                names = [n for n in service.operation_names
                         if self.operations is None or self.operations.search(f"{service.name}:{n}")]
                if not names:
                    continue
                response, verdict = self.send(
                    self.probe_spec(service, protocol, PROBE_OPERATION, "probe-service"), None)
                if response is None or PROBE_OPERATION.encode() not in response.body:
                    self.skipped[f"{service.name}/{protocol}"] = "service not served"
                    continue
                unknown = verdict.error_code
                for name in names:
                    response, verdict = self.send(self.probe_spec(service, protocol, name),
                                                  service.operation(name))
                    if response is None:
                        continue
                    if verdict.error_code == unknown and name.encode() in response.body:
                        self.skipped[f"{service.name}/{protocol}/{name}"] = unknown
                        continue
                    self.targets.append(Target(service, protocol, name))
        self.targets.sort(key=lambda t: t.key)
        self.rng.shuffle(self.targets)

    # --- state ------------------------------------------------------------------------------

    def fingerprint(self):
        state = set()
        by_name = {s.name: s for s in self.services}
        for service_name, protocol, operation, params in STATE_CALLS:
            service = by_name.get(service_name)
            if service is None or protocol not in service.protocols:
                continue
            target = Target(service, protocol, operation)
            spec, _ = self.valid_spec(target, params, mutation="state-check")
            response, _ = self.send(spec, target.operation)
            self.stats.state_checks += 1
            if response is None or response.status != 200:
                state.add((operation, "status", response.status if response else None))
                continue
            output = checks.parsed_output(response, target.operation, protocol) or {}
            for key, value in identifiers(output):
                state.add((operation, key, value))
        return state

    def flush(self, window):
        if not window:
            return
        before = self.fingerprint()
        accepted = False
        for spec, operation in window:
            response, verdict = self.send(spec, operation)
            accepted = accepted or (verdict is not None and verdict.accepted)
        if accepted:
            return
        after = self.fingerprint()
        if after != before:
            changed = sorted(str(item) for item in (after ^ before))[:20]
            spec = window[-1][0]
            raw = build(spec, self.endpoint, self.credentials, self.signing_names)
            self.finding("state-change", f"refused requests changed the state: {changed}", spec, raw, None,
                         extra={"window": [s.to_json() for s, _ in window]})

    # --- the run ----------------------------------------------------------------------------

    def choose_mutation(self, mutator):
        roll = self.rng.random()
        if roll < AUTH_SHARE:
            table = mutations.AUTH
        elif roll < AUTH_SHARE + PROTOCOL_SHARE:
            table = mutations.JSON_ONLY if mutator.spec.protocol == "json" else mutations.QUERY_ONLY
        else:
            table = mutations.COMMON
        return table[self.rng.choice(sorted(table))](mutator)

    def run(self):
        try:
            self.probe()
            if not self.targets:
                raise RuntimeError("no operation is served (check the endpoint and the --operations filter)")
            self.log(f"fuzzing {len(self.targets)} operations: {self.stats.requests} probes sent")
            window = []
            index = 0
            next_health = 200
            while not self.out_of_budget():
                target = self.targets[index % len(self.targets)]
                index += 1
                params = self.params_for(target)
                spec, serialized = self.valid_spec(target, params)
                response, verdict = self.send(spec, target.operation)
                if verdict is not None and verdict.accepted:
                    self.harvest(target, response)
                mutator = mutations.Mutator(self.rng, target.service, target.operation, serialized, spec)
                for _ in range(self.mutations_per_op):
                    if self.out_of_budget():
                        break
                    mutated = self.choose_mutation(mutator)
                    if mutated is None:
                        continue
                    if mutated.expect == "refuse" and self.state_window:
                        window.append((mutated, target.operation))
                    else:
                        response, verdict = self.send(mutated, target.operation)
                if len(window) >= self.state_window or (window and self.out_of_budget()):
                    self.flush(window)
                    window = []
                if self.stats.requests >= next_health:
                    next_health = self.stats.requests + 200
                    self.ensure_alive(spec, b"")
            self.flush(window)
            self.ensure_alive(Spec("-", "-", "-", "end-of-run", "any"), b"")
        except ServerGone:
            self.log("the server is gone: the run stops here")
        finally:
            self.client.close()
        return self.findings

    # --- report -------------------------------------------------------------------------------

    def summary(self):
        elapsed = max(time.time() - self.stats.started, 1e-9)
        stats = self.stats
        return {
            "seed": self.seed,
            "requests": stats.requests,
            "seconds": round(elapsed, 1),
            "requests_per_second": round(stats.requests / elapsed, 1),
            "operations_fuzzed": len(self.targets),
            "state_check_requests": stats.state_checks,
            "skipped": len(self.skipped),
            "skipped_services": sorted(k for k, v in self.skipped.items() if v == "service not served"),
            "by_operation": dict(sorted(stats.by_target.items())),
            "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
            "error_codes": dict(stats.codes.most_common()),
            "mutations": dict(sorted(stats.mutations.items())),
            "accepted_though_invalid": dict(stats.accepted_invalid.most_common()),
            "findings_by_kind": dict(stats.findings),
            "findings": self.findings,
        }


def identifiers(value, key=""):
    """(member, value) for every identifier string in an answer: names and ARNs."""
    lower = key.lower()
    if isinstance(value, dict):
        for k, v in value.items():
            yield from identifiers(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from identifiers(item, key)
    elif isinstance(value, str) and (lower.endswith(("arn", "arns", "name", "names")) or lower == "families"):
        yield key, value


def print_summary(summary, out=print):
    out(f"requests: {summary['requests']} in {summary['seconds']} s ({summary['requests_per_second']} requests/s), "
        f"seed {summary['seed']}, {summary['operations_fuzzed']} operations, "
        f"{summary['state_check_requests']} of them state checks")
    if summary["skipped_services"]:
        out(f"not served (skipped): {', '.join(summary['skipped_services'])}")
    out("requests by service/protocol/operation:")
    for key, count in summary["by_operation"].items():
        out(f"  {key:70} {count}")
    out("answers by status: " + ", ".join(f"{k}: {v}" for k, v in summary["statuses"].items()))
    out("answers by error code:")
    for key, count in summary["error_codes"].items():
        out(f"  {key:70} {count}")
    if summary["accepted_though_invalid"]:
        out("accepted though the model refuses them (not findings): " +
            ", ".join(f"{k}: {v}" for k, v in summary["accepted_though_invalid"].items()))
    out(f"findings: {len(summary['findings'])} " + json.dumps(summary["findings_by_kind"]))
    for finding in summary["findings"][:40]:
        out(f"  {finding['kind']}: {finding['service']} {finding['protocol']} {finding['operation']} "
            f"{finding['mutation']}: {finding['detail'][:200]} {finding.get('folder', '')}")
