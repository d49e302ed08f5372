#!/usr/bin/env bash
# Placement engine benchmark (issue 4): `admiral bench scheduler` (release build), one
# process per figure so that peak memory is that run's own, for 1,000 / 10,000 / 50,000
# instances and each scenario (AZ spread, binpack on memory, memberOf, all three), beside
# the baseline measured in the same invocation: the same engine forced onto its linear
# reference pass (every instance scored for every task, as a scheduler without indexes
# does), on fewer tasks since it is slow. Prints a markdown table.
#
# Environment: TASKS (default 100000), REFERENCE_PLACEMENTS (default 20000000: the
# reference run at n instances places that / n tasks), SIZES (default "1000 10000 50000"),
# SKIP_BUILD=1 (use the existing release binary).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TASKS=${TASKS:-100000}
REFERENCE_PLACEMENTS=${REFERENCE_PLACEMENTS:-20000000}
SIZES=${SIZES:-"1000 10000 50000"}
SCENARIOS="spread binpack memberOf combined"

cd "$ROOT"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo "==> swift build -c release --product admiral" >&2
    swift build -c release --product admiral >&2
fi
ADMIRAL="$(swift build -c release --show-bin-path)/admiral"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "==> load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for size in $SIZES; do
    for scenario in $SCENARIOS; do
        echo "==> $size instances, $scenario" >&2
        "$ADMIRAL" bench scheduler --instances "$size" --tasks "$TASKS" --scenario "$scenario" >>"$WORK/results.jsonl"
        reference_tasks=$((REFERENCE_PLACEMENTS / size))
        ((reference_tasks >= 100)) || reference_tasks=100
        "$ADMIRAL" bench scheduler --instances "$size" --tasks "$reference_tasks" --scenario "$scenario" \
            --reference >>"$WORK/results.jsonl"
    done
done
echo "==> load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$WORK/results.jsonl" <<'PY'
import json, math, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
by = {(r["instances"], r["scenario"], r["engine"]): r for r in rows}
sizes = sorted({r["instances"] for r in rows})
scenarios = ["spread", "binpack", "memberOf", "combined"]
print(f"machine: {open('/proc/cpuinfo').read().count('processor')} cores; one core used; "
      f"load after: {open('/proc/loadavg').read().split()[:3]}")
print()
print("| instances | scenario | placed / requested | placements/s | µs per placement | first request (index build) | peak RSS | reference pass placements/s | speed-up |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for size in sizes:
    for scenario in scenarios:
        fast, slow = by[(size, scenario, "indexed")], by[(size, scenario, "reference")]
        print(f"| {size:,} | {scenario} | {fast['placed']:,} / {fast['requested']:,} | "
              f"{fast['placements_per_second']:,.0f} | {1e6 / fast['placements_per_second']:.2f} | "
              f"{fast['first_request_seconds'] * 1000:.1f} ms | {fast['peak_rss_kib'] / 1024:.0f} MiB | "
              f"{slow['placements_per_second']:,.0f} | {fast['placements_per_second'] / slow['placements_per_second']:.0f}× |")
print()
print("Growth of the cost per placement with fleet size (µs per placement, relative to the smallest fleet; "
      "log n growth would be "
      + ", ".join(f"{math.log(s) / math.log(sizes[0]):.2f}×" for s in sizes) + "):")
for scenario in scenarios:
    base = 1 / by[(sizes[0], scenario, "indexed")]["placements_per_second"]
    print(f"- {scenario}: " + ", ".join(
        f"{size:,}: {(1 / by[(size, scenario, 'indexed')]['placements_per_second']) / base:.2f}×" for size in sizes))
PY
