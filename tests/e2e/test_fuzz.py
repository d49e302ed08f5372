"""The protocol fuzzer (tools/fuzz) as part of the suite: a seeded run of a few thousand
requests, generated from botocore's models and mutated, against the real binary. Every
answer must be a well-formed AWS error or a success of the operation's shape, the server
must stay up and answer within the timeout, refused requests must change nothing, and
`admiral check` must find the state sound afterwards."""
import os
import sys

from conftest import BINARY

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "fuzz"))

from admiral_fuzz.runner import Fuzzer, print_summary  # noqa: E402
from admiral_fuzz.server import run_check  # noqa: E402
from admiral_fuzz.wire import Credentials  # noqa: E402

SEED = 18
REQUESTS = 3000


class Watched:
    """The fixture's server, as the fuzzer watches it."""

    def __init__(self, server):
        self.server = server

    def alive(self):
        return self.server.process.poll() is None

    def log_tail(self):
        return self.server.read_log()


def test_seeded_fuzz_run_has_no_findings(server, tmp_path):
    credentials = Credentials(server.env["AWS_ACCESS_KEY_ID"], server.env["AWS_SECRET_ACCESS_KEY"],
                              server.env.get("AWS_DEFAULT_REGION", "us-east-1"))
    lines = []
    fuzzer = Fuzzer(server.endpoint, credentials, seed=SEED, requests=REQUESTS,
                    findings_dir=str(tmp_path / "findings"), server=Watched(server), log=lines.append)
    findings = fuzzer.run()
    summary = fuzzer.summary()
    print_summary(summary, out=lines.append)
    report = "\n".join(lines)
    print(report)

    assert summary["requests"] >= REQUESTS
    assert summary["operations_fuzzed"] >= 130, report
    assert not findings, report

    assert server.stop() == 0
    status, output = run_check(BINARY, server.data_dir)
    if status is None:
        print(f"admiral check not run: {output}")
    else:
        assert status == 0, output
