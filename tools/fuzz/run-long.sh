#!/usr/bin/env bash
# The long protocol fuzz run (issue 18): 1,000,000 requests against a fresh `admiral
# server` on a temporary data folder, then `admiral check` on that folder.
#
#   tools/fuzz/run-long.sh                         # 1,000,000 requests, seed 1
#   FUZZ_DURATION=600 tools/fuzz/run-long.sh       # or stop after 10 minutes
#   FUZZ_SEED=7 FUZZ_REQUESTS=200000 tools/fuzz/run-long.sh --operations 'ecs:'
#
# ADMIRAL_BINARY picks the binary (default: the debug build). Findings and summary.json
# go to FUZZ_FINDINGS (default fuzz-findings-long/); the exit status is 1 when there is
# any finding. Extra arguments go to `fuzz.py run`.
set -euo pipefail
cd "$(dirname "$0")/../.."

binary="${ADMIRAL_BINARY:-$(swift build --show-bin-path)/admiral}"
args=(run --binary "$binary" --seed "${FUZZ_SEED:-1}" --requests "${FUZZ_REQUESTS:-1000000}"
      --findings "${FUZZ_FINDINGS:-fuzz-findings-long}")
if [[ -n "${FUZZ_DURATION:-}" ]]; then
    args+=(--duration "$FUZZ_DURATION")
fi
exec python3 tools/fuzz/fuzz.py "${args[@]}" "$@"
