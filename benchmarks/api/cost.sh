#!/usr/bin/env bash
# The cost of one ECS call in Admiral: CPU time per call, the user + system time of the
# server process (all its threads) over a wrk run divided by the calls answered. A figure
# for comparing two builds on a machine that other work shares, where wall-clock
# throughput is noise; run.sh remains the benchmark that is recorded. (valgrind 3.19's
# callgrind, which would count instructions, cannot run Swift 6.3 binaries: it rejects
# their DWARF 5 debug info and, stripped of it, crashes at start.)
#
#   benchmarks/api/cost.sh [describe] [register]   (default: both calls)
#
# Environment: DURATION (seconds per call, default 10), CONNECTIONS (default 16),
# SKIP_BUILD=1 (use the existing release binary), ADMIRAL=PATH (measure that binary
# instead, e.g. a copy of an earlier build; nothing is built), ADMIRAL_ARGS (more
# `admiral server` options, e.g. "--executor swift"), KEEP_WORK=1 (keep the temp folder).
# Traffic goes to 127.0.0.1 only; the server is always stopped on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BENCH="$HERE/bench.py"
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
OPS=()
for arg in "$@"; do
    case "$arg" in
        describe | register) OPS+=("$arg") ;;
        -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "cost.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done
((${#OPS[@]})) || OPS=(describe register)
for name in DURATION CONNECTIONS; do
    if ! [[ "${!name}" =~ ^[0-9]+$ ]] || ((${!name} < 1)); then
        echo "cost.sh: $name must be a positive whole number, not '${!name}'" >&2; exit 2
    fi
done

log() { printf '==> %s\n' "$*" >&2; }
fail() { printf '\ncost.sh: FAILED: %s\n' "$*" >&2; exit 1; }
command -v wrk >/dev/null || fail "wrk is not installed (apt-get install wrk)"

cd "$ROOT"
if [[ "${SKIP_BUILD:-0}" != 1 && -z "${ADMIRAL:-}" ]]; then
    log "building Admiral (swift build -c release --product admiral)"
    swift build -c release --product admiral >&2 || fail "release build failed"
fi
ADMIRAL=${ADMIRAL:-"$(swift build -c release --show-bin-path)/admiral"}
[[ -x "$ADMIRAL" ]] || fail "$ADMIRAL is missing (build it, or drop SKIP_BUILD)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/admiral-cost.XXXXXX")
SERVER_PID=""
cleanup() {
    local status=$? i
    if [[ -n "$SERVER_PID" ]]; then
        kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ "${KEEP_WORK:-0}" == 1 || $status -ne 0 ]]; then echo "cost.sh: work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export AWS_ACCESS_KEY_ID="AKIACOST$(python3 -c 'import secrets; print(secrets.token_hex(6).upper())')"
export AWS_SECRET_ACCESS_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(30))')"
export AWS_DEFAULT_REGION=us-east-1
unset AWS_ENDPOINT_URL AWS_PROFILE AWS_SESSION_TOKEN
printf '[cost]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
    "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$WORK/credentials"
chmod 600 "$WORK/credentials"

log "starting Admiral ($ADMIRAL)"
setsid "$ADMIRAL" server --data-dir "$WORK/data" --host 127.0.0.1 --port 0 \
    --credentials "$WORK/credentials" --region "$AWS_DEFAULT_REGION" --log-level warning ${ADMIRAL_ARGS:-} \
    >"$WORK/admiral.out" 2>"$WORK/admiral.err" </dev/null &
SERVER_PID=$!
deadline=$((SECONDS + 60))
until grep -q '^export AWS_ENDPOINT_URL=' "$WORK/admiral.out" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/admiral.err" >&2; fail "Admiral exited at start"; }
    ((SECONDS < deadline)) || fail "Admiral did not start listening within 60 s"
    sleep 0.2
done
ENDPOINT=$(sed -n 's/^export AWS_ENDPOINT_URL=//p' "$WORK/admiral.out")
python3 "$BENCH" seed "$ENDPOINT" || fail "seeding failed"

# CPU seconds (user + system, all threads) the server process has used so far.
cpu_seconds() {
    python3 - "$SERVER_PID" <<'EOF'
import os, sys
fields = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
print((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
EOF
}

printf '\n| Call | Calls | Calls/s | CPU per call |\n| --- | ---: | ---: | ---: |\n' >"$WORK/table.md"
for op in "${OPS[@]}"; do
    python3 "$BENCH" prepare "$ENDPOINT" "$op" "$WORK/$op.lua" >&2 || fail "$op: pre-signed request refused"
    log "$op: warm-up"
    wrk -t1 -c"$CONNECTIONS" -d2s --timeout 30s -s "$WORK/$op.lua" "$ENDPOINT/" >/dev/null
    before=$(cpu_seconds)
    log "$op: wrk -t1 -c$CONNECTIONS -d${DURATION}s"
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s --latency -s "$WORK/$op.lua" "$ENDPOINT/" >"$WORK/$op.txt"
    after=$(cpu_seconds)
    python3 "$BENCH" parse "$WORK/$op.txt" >"$WORK/$op.json" || { cat "$WORK/$op.txt" >&2; fail "unreadable wrk report"; }
    python3 - "$op" "$WORK" "$before" "$after" >>"$WORK/table.md" <<'EOF'
import json, sys
op, work, before, after = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
result = json.load(open(f"{work}/{op}.json"))
if result["non_2xx"] or not result["requests"]:
    sys.exit(f"cost.sh: {op}: {result['non_2xx']} error responses of {result['requests']}")
calls = result["requests"]
print(f"| {op} | {calls:,} | {result['requests_per_sec']:,.0f} | {(after - before) * 1000 / calls:.3f} ms |")
EOF
done
cat "$WORK/table.md"
echo "load averages: $(cut -d' ' -f1-3 /proc/loadavg)"
