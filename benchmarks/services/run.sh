#!/usr/bin/env bash
# Services benchmark (issue 5); see run.py. Environment: KILLS (20), SERVICES (1000),
# SKIP_BUILD=1, ADMIRAL_DOCKER_HOST (else a private daemon is started with scripts/docker-up).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "$HERE/../lib/with-docker" python3 "$HERE/run.py" "$@"
