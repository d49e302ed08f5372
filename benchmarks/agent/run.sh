#!/usr/bin/env bash
# Agent benchmark (issue 3): RunTask → RUNNING beside Docker Engine's own floor; see run.py.
# Environment: ROUNDS (50), BURST (100), SKIP_BUILD=1, ADMIRAL_DOCKER_HOST (else a private
# daemon is started with scripts/docker-up).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "$HERE/../lib/with-docker" python3 "$HERE/run.py" "$@"
