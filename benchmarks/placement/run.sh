#!/usr/bin/env bash
# Full-path placement benchmark (issue 4); see run.py. Environment: INSTANCES (1000),
# DURATION (10), CONNECTIONS (16), SKIP_BUILD=1.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec python3 "$HERE/run.py" "$@"
