#!/usr/bin/env python3
"""Admiral's protocol fuzzer.

  fuzz.py run --binary .build/debug/admiral --seed 1 --requests 5000
  fuzz.py run --endpoint http://127.0.0.1:7700 --access-key AK --secret-key SK --requests 100000
  fuzz.py replay fuzz-findings/0001-5xx-ecs-CreateCluster-json-number-edge --binary .build/debug/admiral

See tools/fuzz/README.md.
"""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from admiral_fuzz import checks, models  # noqa: E402
from admiral_fuzz.runner import Fuzzer, print_summary  # noqa: E402
from admiral_fuzz.server import ServerProcess, run_check  # noqa: E402
from admiral_fuzz.wire import Client, Credentials, Dropped, Hang, Spec, build  # noqa: E402


def add_target_arguments(parser):
    parser.add_argument("--binary", help="start `BINARY server` on a temporary data folder")
    parser.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL"),
                        help="an already-running server (default $AWS_ENDPOINT_URL)")
    parser.add_argument("--access-key", default=os.environ.get("AWS_ACCESS_KEY_ID"))
    parser.add_argument("--secret-key", default=os.environ.get("AWS_SECRET_ACCESS_KEY"))
    parser.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    parser.add_argument("--data-dir", help="the server's data folder: with --binary, where it runs (default a "
                                           "temporary one); with --endpoint, what `admiral check` reads")
    parser.add_argument("--check-binary", help="the admiral binary whose `check` runs at the end "
                                               "(default --binary)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each answer")


def connect(args):
    """(server process or None, endpoint, credentials)."""
    if args.binary:
        server = ServerProcess(args.binary, args.data_dir).start()
        env = server.env
        credentials = Credentials(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"],
                                  env.get("AWS_DEFAULT_REGION", "us-east-1"))
        return server, server.endpoint, credentials
    if not (args.endpoint and args.access_key and args.secret_key):
        sys.exit("give --binary, or --endpoint with --access-key and --secret-key (or the AWS_* variables)")
    return None, args.endpoint.rstrip("/"), Credentials(args.access_key, args.secret_key, args.region)


def command_run(args):
    os.makedirs(args.findings, exist_ok=True)
    server, endpoint, credentials = connect(args)
    print(f"fuzzing {endpoint} with seed {args.seed}" + (f" (data in {server.data_dir})" if server else ""),
          flush=True)
    fuzzer = Fuzzer(endpoint, credentials, seed=args.seed, requests=args.requests, duration=args.duration,
                    operations=args.operations, services=args.services, findings_dir=args.findings,
                    timeout=args.timeout, mutations_per_op=args.mutations_per_op, state_window=args.state_window,
                    server=server, log=lambda line: print(line, flush=True))
    try:
        fuzzer.run()
    finally:
        if server is not None:
            code = server.stop()
            if code not in (0, None, -15):
                print(f"the server exited with status {code} on SIGTERM", flush=True)
    summary = fuzzer.summary()
    data_dir = server.data_dir if server else args.data_dir
    check_binary = args.check_binary or args.binary
    if data_dir and check_binary:
        status, output = run_check(check_binary, data_dir)
        summary["admiral_check"] = {"status": status, "output": output[-4000:]}
        if status not in (0, None):
            summary["findings"].append({"kind": "check", "detail": output[-2000:], "service": "-", "protocol": "-",
                                        "operation": "-", "mutation": "-"})
    else:
        summary["admiral_check"] = {"status": None, "output": "no --data-dir and binary to check"}
    with open(os.path.join(args.findings, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print_summary(summary)
    check = summary["admiral_check"]
    print(f"admiral check: {'exit ' + str(check['status']) if check['status'] is not None else 'not run'}: "
          f"{check['output'][-500:]}")
    if server is not None and not summary["findings"] and not args.keep_data:
        shutil.rmtree(server.data_dir, ignore_errors=True)
    return 1 if summary["findings"] else 0


def command_replay(args):
    server, endpoint, credentials = connect(args)
    services = {s.name: s for s in models.load_services()}
    signing = {name: s.signing_name for name, s in services.items()}
    client = Client(endpoint, args.timeout)
    failures = 0
    try:
        for folder in args.folders:
            with open(os.path.join(folder, "spec.json")) as f:
                spec = Spec.from_json(json.load(f))
            service = services.get(spec.service)
            operation = None
            if service is not None and spec.operation in service.model.operation_names:
                operation = service.operation(spec.operation)
            raw = build(spec, endpoint, credentials, signing)
            try:
                response = client.send(raw)
            except (Hang, Dropped) as error:
                print(f"{folder}: no answer ({type(error).__name__})")
                failures += 1
                continue
            verdict = checks.check(spec, response, operation, spec.protocol)
            state = "FINDING " + "; ".join(f"{k}: {d[:200]}" for k, d in verdict.findings) if verdict.findings else "ok"
            print(f"{folder}: HTTP {response.status} {verdict.error_code or ''} {state}\n  {response.body[:400]!r}")
            failures += bool(verdict.findings)
            if server is not None and not server.alive():
                print("the server is gone")
                failures += 1
                break
    finally:
        client.close()
        if server is not None:
            server.stop()
    return 1 if failures else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="fuzz a server")
    add_target_arguments(run)
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--requests", type=int, default=10_000, help="requests to send, probes included")
    run.add_argument("--duration", type=float, help="stop after this many seconds")
    run.add_argument("--operations", help="regular expression over 'service:Operation' (e.g. 'ecs:|logs:Put')")
    run.add_argument("--services", nargs="*", help=f"botocore service names (default: {' '.join(models.SERVICE_NAMES)})")
    run.add_argument("--findings", default="fuzz-findings", help="folder for findings and summary.json")
    run.add_argument("--mutations-per-op", type=int, default=8)
    run.add_argument("--state-window", type=int, default=40,
                     help="refused requests sent between two state snapshots (0: no state checks)")
    run.add_argument("--keep-data", action="store_true", help="keep the temporary data folder")
    replay = commands.add_parser("replay", help="send saved findings again (re-signed now)")
    add_target_arguments(replay)
    replay.add_argument("folders", nargs="+")
    args = parser.parse_args(argv)
    return command_run(args) if args.command == "run" else command_replay(args)


if __name__ == "__main__":
    sys.exit(main())
