#!/usr/bin/env bash
# Container logs benchmark (issue 15): end to end from a container that prints as fast as
# it can (lines/s delivered and the delay from print to readable through GetLogEvents,
# beside Docker's json-file driver alone on the same output), PutLogEvents and
# FilterLogEvents beside moto_server, FilterLogEvents over one million events, and RunTask
# latency while PutLogEvents flows at full rate.
#
#   benchmarks/logs/run.sh            print the results tables
#   benchmarks/logs/run.sh --record   ... and rewrite the container logs results in docs/BENCHMARKS.md
#
# Environment: ADMIRAL_DOCKER_HOST (required: a private daemon, e.g. from scripts/docker-up,
# with the test image from scripts/make-test-image), ADMIRAL_BINARY (default: the release
# build in .build-release), SKIP_BUILD=1, LINES (lines printed flat out, 500000),
# PACED_SECONDS (10), DURATION (wrk seconds, 10), WARMUP (2), CONNECTIONS (16),
# FILTER_EVENTS (100000), MILLION (1000000), QUERY_CALLS (5), INSTANCES (100),
# CONTROL_RATE (20), CONTROL_SECONDS (15), CONTROL_ROUNDS (3), PARTS
# (delivery,api,million,control), KEEP_WORK=1, PERF=1 (perf record the server during the
# PutLogEvents run and the agent during the flat-out delivery; not with --record).
# Traffic goes to 127.0.0.1 and the private Docker daemon only.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DOC="$ROOT/docs/BENCHMARKS.md"
RECORD=()

for arg in "$@"; do
    case "$arg" in
        --record) RECORD=(--record "$DOC") ;;
        -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

log() { printf '==> %s\n' "$*" >&2; }
fail() { printf '\nrun.sh: FAILED: %s\n' "$*" >&2; exit 1; }

command -v wrk >/dev/null || fail "wrk is missing (apt-get install wrk)"
command -v moto_server >/dev/null || fail "moto_server is not installed (pip install 'moto[server]')"
python3 -c 'import boto3, botocore' 2>/dev/null || fail "python3 needs boto3 (pip install boto3)"
[[ -n "${ADMIRAL_DOCKER_HOST:-}" ]] || fail "set ADMIRAL_DOCKER_HOST to a private daemon (scripts/docker-up DIR)"

cd "$ROOT"
if [[ -z "${ADMIRAL_BINARY:-}" ]]; then
    BUILD=(swift build -c release --product admiral --scratch-path .build-release)
    if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
        log "building Admiral (${BUILD[*]}; the first build takes 10-20 minutes)"
        "${BUILD[@]}" >&2 || fail "release build failed"
    fi
    ADMIRAL_BINARY="$(swift build -c release --scratch-path .build-release --show-bin-path)/admiral"
fi
[[ -x "$ADMIRAL_BINARY" ]] || fail "$ADMIRAL_BINARY is missing (build it, or drop SKIP_BUILD)"
export ADMIRAL_BINARY

command_line=""
for name in LINES PACED_SECONDS DURATION WARMUP CONNECTIONS FILTER_EVENTS MILLION QUERY_CALLS INSTANCES \
    CONTROL_RATE CONTROL_SECONDS CONTROL_ROUNDS; do
    [[ -n "${!name:-}" ]] && command_line+="$name=${!name} "
done
command_line+="benchmarks/logs/run.sh"
((${#RECORD[@]})) && command_line+=" --record"
export BENCH_COMMAND=$command_line

unset AWS_ENDPOINT_URL AWS_PROFILE AWS_SESSION_TOKEN
exec python3 "$HERE/run.py" "${RECORD[@]}"
