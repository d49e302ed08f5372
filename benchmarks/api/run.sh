#!/usr/bin/env bash
# ECS API benchmark: throughput and p50/p99 latency of DescribeTaskDefinition and
# RegisterTaskDefinition over SigV4-signed HTTP with 16 keep-alive connections (wrk),
# against Admiral (release build) and, in the same invocation, moto_server.
#
#   benchmarks/api/run.sh            print the results table
#   benchmarks/api/run.sh --record   ... and rewrite the results section of docs/BENCHMARKS.md
#
# Environment: DURATION (seconds per call and server, default 10), WARMUP (seconds,
# default 2), WRK_THREADS (default 1), SKIP_BUILD=1 (use the existing release binary),
# KEEP_WORK=1 (keep the temp folder with logs and wrk reports).
# Traffic goes to 127.0.0.1 only; both servers are always stopped on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BENCH="$HERE/bench.py"
DOC="$ROOT/docs/BENCHMARKS.md"

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
WRK_THREADS=${WRK_THREADS:-1}
CONNECTIONS=16
RECORD=0

for arg in "$@"; do
    case "$arg" in
        --record) RECORD=1 ;;
        -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done
for name in DURATION WARMUP WRK_THREADS; do
    value=${!name}
    if ! [[ "$value" =~ ^[0-9]+$ ]] || ((value < 1)); then
        echo "run.sh: $name must be a positive whole number, not '$value'" >&2; exit 2
    fi
done
# Each call is signed just before its warm-up; the signature must outlive warm-up + run.
if ((WARMUP + DURATION > 800)); then
    echo "run.sh: WARMUP + DURATION must stay under 800 s (SigV4 signatures last 15 minutes)" >&2; exit 2
fi

log() { printf '==> %s\n' "$*" >&2; }
fail() { printf '\nrun.sh: FAILED: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------------- tools

if ! command -v wrk >/dev/null; then
    log "installing wrk (Debian package)"
    sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq >&2
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
fi
command -v moto_server >/dev/null || fail "moto_server is not installed (pip install 'moto[server]')"
python3 -c 'import boto3, botocore' 2>/dev/null || fail "python3 needs boto3 (pip install boto3)"

cd "$ROOT"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building Admiral (swift build -c release --product admiral; the first build takes minutes)"
    swift build -c release --product admiral >&2 || fail "release build failed"
fi
ADMIRAL="$(swift build -c release --show-bin-path)/admiral"
[[ -x "$ADMIRAL" ]] || fail "$ADMIRAL is missing (build it, or drop SKIP_BUILD)"

# ----------------------------------------------------------------- servers, cleanup

WORK=$(mktemp -d "${TMPDIR:-/tmp}/admiral-bench.XXXXXX")
ADMIRAL_PID=""
MOTO_PID=""
WRK_PID=""

# Stop a server started with setsid (its own process group), bounded in time.
stop_server() {
    local pid=$1 i
    [[ -n "$pid" ]] || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    if [[ -n "$WRK_PID" ]]; then kill -TERM "$WRK_PID" 2>/dev/null || true; wait "$WRK_PID" 2>/dev/null || true; fi
    stop_server "$ADMIRAL_PID"
    stop_server "$MOTO_PID"
    if [[ "${KEEP_WORK:-0}" == 1 || $status -ne 0 ]]; then
        echo "run.sh: logs and wrk reports kept in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'echo "run.sh: FAILED: command at line $LINENO exited with status $?" >&2' ERR
trap 'exit 130' INT TERM

wait_for_port() { # port seconds pid
    local port=$1 deadline=$((SECONDS + $2)) pid=$3
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || return 1
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# Fresh credentials for this run only, in the AWS shared-credentials format.
export AWS_ACCESS_KEY_ID="AKIABENCH$(python3 -c 'import secrets; print(secrets.token_hex(6).upper())')"
export AWS_SECRET_ACCESS_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(30))')"
export AWS_DEFAULT_REGION=us-east-1
unset AWS_ENDPOINT_URL AWS_PROFILE AWS_SESSION_TOKEN
printf '[bench]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
    "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$WORK/credentials"
chmod 600 "$WORK/credentials"

start_admiral() {
    log "starting Admiral ($ADMIRAL)"
    setsid "$ADMIRAL" server --data-dir "$WORK/admiral-data" --host 127.0.0.1 --port 0 \
        --credentials "$WORK/credentials" --region "$AWS_DEFAULT_REGION" --log-level warning \
        >"$WORK/admiral.out" 2>"$WORK/admiral.err" </dev/null &
    ADMIRAL_PID=$!
    local deadline=$((SECONDS + 60))
    until grep -q '^export AWS_ENDPOINT_URL=' "$WORK/admiral.out" 2>/dev/null; do
        kill -0 "$ADMIRAL_PID" 2>/dev/null || { cat "$WORK/admiral.err" >&2; fail "Admiral exited at start"; }
        ((SECONDS < deadline)) || fail "Admiral did not start listening within 60 s"
        sleep 0.1
    done
    ENDPOINT=$(sed -n 's/^export AWS_ENDPOINT_URL=//p' "$WORK/admiral.out")
    [[ "$ENDPOINT" == http://127.0.0.1:* ]] || fail "unexpected Admiral endpoint '$ENDPOINT'"
}

start_moto() {
    local port
    port=$(python3 "$BENCH" free-port)
    log "starting moto_server on port $port"
    setsid moto_server -H 127.0.0.1 -p "$port" >"$WORK/moto.out" 2>"$WORK/moto.err" </dev/null &
    MOTO_PID=$!
    wait_for_port "$port" 60 "$MOTO_PID" || { tail -20 "$WORK/moto.err" >&2; fail "moto_server did not start"; }
    ENDPOINT="http://127.0.0.1:$port"
}

# ------------------------------------------------------------------------ the load

WRK_ARGS=(-t"$WRK_THREADS" -c"$CONNECTIONS" --timeout 5s)

# run_wrk SECONDS OUTPUT ARGS...: wrk in the background, waited for, so that a signal
# interrupts the run at once instead of after wrk finishes.
run_wrk() {
    local seconds=$1 output=$2 status=0
    shift 2
    timeout $((seconds + 30)) wrk "${WRK_ARGS[@]}" -d"${seconds}s" "$@" >"$output" &
    WRK_PID=$!
    wait "$WRK_PID" || status=$?
    WRK_PID=""
    return "$status"
}

# run_call SERVER OP: sign OP, check the pre-signed request, warm up, measure.
run_call() {
    local server=$1 op=$2 script="$WORK/$1-$2.lua" report="$WORK/$1-$2.txt" warm="$WORK/$1-$2.warmup.txt"
    python3 "$BENCH" prepare "$ENDPOINT" "$op" "$script" >&2 || fail "$server $op: pre-signed request refused"
    log "$server $op: warm-up ${WARMUP}s"
    run_wrk "$WARMUP" "$warm" -s "$script" "$ENDPOINT/" || fail "$server $op: wrk warm-up failed"
    log "$server $op: wrk ${WRK_ARGS[*]} -d${DURATION}s --latency"
    run_wrk "$DURATION" "$report" --latency -s "$script" "$ENDPOINT/" || fail "$server $op: wrk failed"
    python3 "$BENCH" parse "$report" >"$WORK/$server-$op.json" || { cat "$report" >&2; fail "unreadable wrk report"; }
    # Every answer must be a success; from Admiral, every connection must also stay up.
    python3 - "$server" "$op" "$WORK/$server-$op.json" "$warm" <<'EOF' || { cat "$report" >&2; fail "$server $op: error responses (see above)"; }
import json, re, sys
server, op, path, warm = sys.argv[1:]
result = json.load(open(path))
warm_non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", open(warm).read())
problems = []
if result["non_2xx"]:
    problems.append(f"{result['non_2xx']} non-2xx/3xx responses")
if warm_non2xx:
    problems.append(f"{warm_non2xx.group(1)} non-2xx/3xx responses during warm-up")
if server == "admiral" and any(result["socket_errors"].values()):
    problems.append(f"socket errors {result['socket_errors']}")
if result["requests"] == 0:
    problems.append("no requests completed")
if problems:
    print(f"{server} {op}: " + "; ".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"    {result['requests_per_sec']:,.0f} calls/s, p50 {result['p50_ms']:.2f} ms, "
      f"p99 {result['p99_ms']:.2f} ms", file=sys.stderr)
EOF
}

bench_server() { # SERVER
    log "$1: seeding task definition family bench-describe at $ENDPOINT"
    python3 "$BENCH" seed "$ENDPOINT" || fail "$1: seeding failed"
    run_call "$1" describe
    run_call "$1" register
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
start_admiral
bench_server admiral
stop_server "$ADMIRAL_PID"
ADMIRAL_PID=""

start_moto
bench_server moto
stop_server "$MOTO_PID"
MOTO_PID=""

# ---------------------------------------------------------------------- the report

command_line="DURATION=$DURATION"
[[ "$WARMUP" == 2 ]] || command_line+=" WARMUP=$WARMUP"
[[ "$WRK_THREADS" == 1 ]] || command_line+=" WRK_THREADS=$WRK_THREADS"
command_line+=" benchmarks/api/run.sh"
((RECORD)) && command_line+=" --record"

export B_LOAD B_NPROC B_DATE B_COMMAND B_WRK_COMMAND B_WARMUP B_WRK_VERSION B_SWIFT_VERSION B_MOTO_VERSION
B_NPROC=$(nproc)
B_LOAD="$LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after"
B_DATE=$(python3 "$BENCH" now)
B_COMMAND=$command_line
B_WRK_COMMAND="wrk ${WRK_ARGS[*]} -d${DURATION}s --latency -s <pre-signed request>.lua"
B_WARMUP=$WARMUP
B_WRK_VERSION=$({ wrk -v 2>&1 || true; } | sed -n '1s/^wrk \([^ ]*\).*/\1/p')
B_SWIFT_VERSION=$(swift --version 2>/dev/null | sed -n '1s/.*Swift version \([^ ]*\).*/Swift \1/p')
B_MOTO_VERSION=$(python3 -c 'import moto; print(moto.__version__)')
python3 - "$WORK/meta.json" <<'EOF'
import json, os, platform, sys
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
mem_kib = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal:"))
os_name = next((l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release")
                if l.startswith("PRETTY_NAME=")), platform.system())
meta = {
    "date": os.environ["B_DATE"],
    "command": os.environ["B_COMMAND"],
    "machine": {"nproc": int(os.environ["B_NPROC"]), "cpu_model": cpu, "mem": f"{mem_kib / 1048576:.0f} GiB RAM",
                "os": f"{os_name}, Linux {platform.release()}"},
    "loadavg": os.environ["B_LOAD"],
    "wrk_command": os.environ["B_WRK_COMMAND"],
    "warmup": int(os.environ["B_WARMUP"]),
    "wrk_version": os.environ["B_WRK_VERSION"],
    "swift_version": os.environ["B_SWIFT_VERSION"],
    "moto_version": os.environ["B_MOTO_VERSION"],
}
json.dump(meta, open(sys.argv[1], "w"), indent=1)
EOF

echo
if ((RECORD)); then
    python3 "$BENCH" report "$WORK" --record "$DOC"
else
    python3 "$BENCH" report "$WORK"
fi
