#!/usr/bin/env bash
# Pumba's one rootless-Podman case (podman_error_handling.bats, "Should return clear rootless error for netem when
# podman is rootless") against a rootless Podman service (.ci/podman-rootless.sh), through .ci/pumba-bats.sh. The one
# change to its environment: CONTAINER_HOST names the rootless socket, so the case's `podman` (remote under
# CONTAINER_HOST) and the sidecar's --runtime podman (Pumba's order: CONTAINER_HOST, PODMAN_SOCK, /run/podman) go there.
# Starts the service and stops it after, whatever happened. Output in PUMBA_BATS_OUT (sidecar/target/pumba-bats-rootless).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
trap '.ci/podman-rootless.sh stop >/dev/null 2>&1 || true' EXIT
t0=$SECONDS
.ci/podman-rootless.sh start
echo "pumba-bats-rootless: rootless service ready in $((SECONDS - t0)) s"
CONTAINER_HOST=$(.ci/podman-rootless.sh socket)
export CONTAINER_HOST
export PUMBA_BATS_OUT=${PUMBA_BATS_OUT:-$root/sidecar/target/pumba-bats-rootless}
export PUMBA_BATS_FILTER='Should return clear rootless error for netem when podman is rootless'
export PUMBA_BATS_DEADLINE=${PUMBA_BATS_DEADLINE:-300}
.ci/pumba-bats.sh podman_error_handling.bats
