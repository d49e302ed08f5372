#!/usr/bin/env bash
# Load balancer data plane benchmark: one nginx backend serving a small static file on
# 127.0.0.1, driven directly and through (a) nginx as a reverse proxy (one worker,
# keep-alive upstream), (b) HAProxy (one thread, keep-alive), (c) Admiral's data plane
# (AdmiralLBBench, release build, ONE event loop thread), all in one invocation.
#
#   benchmarks/lb/run.sh            print the results table
#   benchmarks/lb/run.sh --record   ... and rewrite the results part of the "Load balancer
#                                   data plane" section of docs/BENCHMARKS.md
#
# Each server gets a warm-up, then RUNS rounds (default 3) of `wrk -t2 -c64 -dDURATION`;
# rounds interleave the servers so that a change in machine load hits them all alike. The
# table shows the median of the rounds for each figure.
#
# Environment: DURATION (seconds per run, default 10), RUNS (default 3), WARMUP (seconds,
# default 2), SKIP_BUILD=1 (use the existing release binary), KEEP_WORK=1 (keep the temp
# folder with configurations and logs). Traffic goes to 127.0.0.1 only; every server the
# script starts is stopped on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DOC="$ROOT/docs/BENCHMARKS.md"

DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-2}
THREADS=2
CONNECTIONS=64
RECORD=0

for arg in "$@"; do
    case "$arg" in
        --record) RECORD=1 ;;
        -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done
for name in DURATION RUNS WARMUP; do
    value=${!name}
    if ! [[ "$value" =~ ^[0-9]+$ ]] || ((value < 1)); then
        echo "run.sh: $name must be a positive whole number, not '$value'" >&2; exit 2
    fi
done

log() { printf '==> %s\n' "$*" >&2; }
fail() { printf '\nrun.sh: FAILED: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------------- tools

missing=()
for tool in nginx haproxy wrk; do
    command -v "$tool" >/dev/null || [[ -x "/usr/sbin/$tool" ]] || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
    log "installing ${missing[*]} (Debian packages)"
    sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq >&2
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx haproxy wrk >&2
fi
export PATH="$PATH:/usr/sbin"
python3 -c 'import statistics' || fail "python3 is needed to read wrk's output"

cd "$ROOT"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building AdmiralLBBench (swift build -c release --product AdmiralLBBench)"
    swift build -c release --product AdmiralLBBench >&2 || fail "release build failed"
fi
BENCH="$(swift build -c release --show-bin-path)/AdmiralLBBench"
[[ -x "$BENCH" ]] || fail "$BENCH is missing (build it, or drop SKIP_BUILD)"

# ----------------------------------------------------------------- servers, cleanup

WORK=$(mktemp -d "${TMPDIR:-/tmp}/admiral-lb-bench.XXXXXX")
PIDS=()

stop_all() {
    local pid i
    for pid in "${PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    PIDS=()
}
cleanup() {
    stop_all
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then log "work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Four free ports on 127.0.0.1.
read -r BACKEND_PORT NGINX_PORT HAPROXY_PORT ADMIRAL_PORT < <(python3 - <<'PY'
import socket
socks = []
for _ in range(4):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)

mkdir -p "$WORK/www" "$WORK/tmp"
printf 'Hello from the Admiral benchmark backend.\n' > "$WORK/www/index.html"
# nginx's workers run as an unprivileged user: let them read the file and use tmp/.
chmod 755 "$WORK" "$WORK/www"
chmod 644 "$WORK/www/index.html"
chmod 1777 "$WORK/tmp"
BODY=$(cat "$WORK/www/index.html")

nginx_common() {
    cat <<CONF
daemon off;
worker_processes 1;
pid $WORK/$1.pid;
error_log $WORK/$1-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp/$1-body;
    proxy_temp_path $WORK/tmp/$1-proxy;
    fastcgi_temp_path $WORK/tmp/$1-fastcgi;
    uwsgi_temp_path $WORK/tmp/$1-uwsgi;
    scgi_temp_path $WORK/tmp/$1-scgi;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
CONF
}

{
    nginx_common backend
    cat <<CONF
    open_file_cache max=100;
    server {
        listen 127.0.0.1:$BACKEND_PORT backlog=4096;
        root $WORK/www;
        location / { index index.html; }
    }
}
CONF
} > "$WORK/backend.conf"

{
    nginx_common proxy
    cat <<CONF
    upstream backend {
        server 127.0.0.1:$BACKEND_PORT;
        keepalive 128;
        keepalive_requests 1000000;
        keepalive_timeout 75s;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Port \$server_port;
        }
    }
}
CONF
} > "$WORK/proxy.conf"

cat > "$WORK/haproxy.cfg" <<CONF
global
    nbthread 1
    maxconn 4096
defaults
    mode http
    timeout connect 10s
    timeout client 60s
    timeout server 60s
    option http-keep-alive
    http-reuse always
frontend fe
    bind 127.0.0.1:$HAPROXY_PORT
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Port %[dst_port]
    default_backend be
backend be
    server s1 127.0.0.1:$BACKEND_PORT
CONF

start() { # name, command...
    local name=$1; shift
    setsid "$@" >"$WORK/$name.out" 2>&1 &
    PIDS+=($!)
    eval "${name}_PID=$!"
}

log "starting the backend (nginx, 1 worker) on 127.0.0.1:$BACKEND_PORT"
start backend nginx -c "$WORK/backend.conf"
log "starting nginx (reverse proxy, 1 worker) on 127.0.0.1:$NGINX_PORT"
start nginx nginx -c "$WORK/proxy.conf"
log "starting HAProxy (1 thread) on 127.0.0.1:$HAPROXY_PORT"
start haproxy haproxy -f "$WORK/haproxy.cfg"
log "starting Admiral's data plane (AdmiralLBBench, 1 event loop thread) on 127.0.0.1:$ADMIRAL_PORT"
start admiral "$BENCH" --listen "127.0.0.1:$ADMIRAL_PORT" --target "127.0.0.1:$BACKEND_PORT" --threads 1

wait_for() { # port
    local i
    for ((i = 0; i < 100; i++)); do
        if [[ "$(curl -s --max-time 1 "http://127.0.0.1:$1/" 2>/dev/null)" == "$BODY" ]]; then return 0; fi
        sleep 0.1
    done
    return 1
}
for port in "$BACKEND_PORT" "$NGINX_PORT" "$HAPROXY_PORT" "$ADMIRAL_PORT"; do
    wait_for "$port" || fail "nothing serves the backend's body on 127.0.0.1:$port (logs in $WORK, KEEP_WORK=1 keeps them)"
done

# The process that does a server's work: the nginx worker (not its master), else the PID itself.
worker_of() {
    local pid=$1 child
    child=$(pgrep -P "$pid" 2>/dev/null | head -1 || true)
    echo "${child:-$pid}"
}
declare -A PORT=([direct]=$BACKEND_PORT [nginx]=$NGINX_PORT [haproxy]=$HAPROXY_PORT [admiral]=$ADMIRAL_PORT)
declare -A PROC=([direct]=$(worker_of "$backend_PID") [nginx]=$(worker_of "$nginx_PID") [haproxy]=$haproxy_PID [admiral]=$admiral_PID)
SERVERS=(direct nginx haproxy admiral)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_BEFORE=$(loadavg)

log "warm-up: ${WARMUP} s per server"
for server in "${SERVERS[@]}"; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:${PORT[$server]}/" >/dev/null
done

RESULTS="$WORK/results.tsv"
: > "$RESULTS"
for ((round = 1; round <= RUNS; round++)); do
    log "round $round of $RUNS (load averages $(loadavg))"
    for server in "${SERVERS[@]}"; do
        before=$(cpu_ticks "${PROC[$server]}")
        out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency "http://127.0.0.1:${PORT[$server]}/")
        after=$(cpu_ticks "${PROC[$server]}")
        echo "$out" > "$WORK/wrk-$server-$round.txt"
        if [[ "$server" == admiral ]] && grep -qE "Non-2xx|Socket errors" <<<"$out"; then
            echo "$out" >&2
            fail "Admiral answered with errors in round $round"
        fi
        printf '%s\t%s\t%s\t%s\n' "$server" "$round" "$((after - before))" "$(base64 -w0 <<<"$out")" >> "$RESULTS"
    done
done
LOAD_AFTER=$(loadavg)
stop_all

TABLE=$(python3 - "$RESULTS" "$(getconf CLK_TCK)" <<'PY'
import base64, re, statistics, sys
path, ticks_per_second = sys.argv[1], int(sys.argv[2])
def ms(text):
    value, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
runs = {}
for line in open(path):
    server, _, ticks, encoded = line.rstrip("\n").split("\t")
    out = base64.b64decode(encoded).decode()
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    cpu = int(ticks) / ticks_per_second * 1e6 / max(total, 1)
    runs.setdefault(server, []).append((rps, p50, p99, cpu))
names = {"direct": "direct (no proxy)", "nginx": "nginx 1 worker", "haproxy": "HAProxy 1 thread",
         "admiral": "Admiral, 1 event loop"}
median = {s: [statistics.median(r[i] for r in v) for i in range(4)] for s, v in runs.items()}
def fmt_ms(v): return f"{v:.2f} ms"
print("| Server | Requests/s | p50 | p99 | CPU per request | Runs (requests/s) |")
print("| --- | ---: | ---: | ---: | ---: | --- |")
for s in ["direct", "nginx", "haproxy", "admiral"]:
    rps, p50, p99, cpu = median[s]
    each = ", ".join(f"{r[0]:,.0f}" for r in runs[s])
    print(f"| {names[s]} | {rps:,.0f} | {fmt_ms(p50)} | {fmt_ms(p99)} | {cpu:.0f} µs | {each} |")
a = median["admiral"]
print()
print("| Admiral vs | Throughput ratio | p99 ratio | CPU per request ratio |")
print("| --- | ---: | ---: | ---: |")
for s in ["nginx", "haproxy"]:
    o = median[s]
    print(f"| {names[s]} | {a[0] / o[0]:.2f}x | {a[2] / o[2]:.2f}x | {a[3] / o[3]:.2f}x |")
n = median["nginx"]
met_rps = a[0] >= 0.9 * n[0]
met_p99 = a[2] <= 1.2 * n[2]
print()
print(f"Target: Admiral >= 0.9x nginx's throughput ({a[0] / n[0]:.2f}x: {'met' if met_rps else '**not met**'}) "
      f"with p99 <= 1.2x nginx's ({a[2] / n[2]:.2f}x: {'met' if met_p99 else '**not met**'}).")
PY
)

CPU_MODEL=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/ \{2,\}/ /g')
OS=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -s)
SECTION=$(cat <<MD
### Latest results

- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Command: \`DURATION=$DURATION RUNS=$RUNS benchmarks/lb/run.sh --record\`
- Machine: $(nproc) CPUs ($CPU_MODEL), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $OS, Linux $(uname -r); wrk, the backend and the proxy share it
- Load averages (1, 5, 15 min): $LOAD_BEFORE before, $LOAD_AFTER after the run
- Load: \`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency\` per server and round ($RUNS rounds, interleaved, after a ${WARMUP} s warm-up); figures are medians of the rounds
- Backend: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), 1 worker, a $(wc -c < "$WORK/www/index.html")-byte static file; proxies: nginx (1 worker, upstream keepalive 128), HAProxy $(haproxy -v | head -1 | awk '{print $3}') (nbthread 1, http-reuse always), Admiral (AdmiralLBBench, release build, Swift $(swift --version 2>/dev/null | grep -o 'Swift version [0-9.]*' | awk '{print $3}'), 1 event loop thread)
- CPU per request: user + system time of the serving process (the nginx worker, HAProxy, AdmiralLBBench) divided by the requests it served

$TABLE
MD
)

echo
echo "$SECTION"

if ((RECORD)); then
    python3 - "$DOC" "$SECTION" <<'PY'
import sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
begin, end = "<!-- lb-results:begin (benchmarks/lb/run.sh --record rewrites this part) -->", "<!-- lb-results:end -->"
if begin not in text:
    raise SystemExit(f"{path} has no '{begin}' marker; add the section first")
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(head + begin + "\n\n" + section + "\n\n" + end + tail)
PY
    log "recorded in $DOC"
fi
