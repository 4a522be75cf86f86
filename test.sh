#!/usr/bin/env bash
# The whole test run on a fresh Debian machine, as root: installs and starts what the tests need (Docker engine,
# PostgreSQL, Redis, a private containerd with CRI, the local test images, a second Docker engine with TLS), runs
# every test (`mvn -B verify`), then the netem suite in a QEMU guest with a stock kernel. CI runs exactly this (.ci/run). With the services already up,
# `mvn -B verify` alone runs the Maven part.
set -euo pipefail
cd "$(dirname "$0")"
bash .ci/install.sh
# the private containerd (CRI), Podman's API service and the second, TLS engine are stopped with everything they ran, whatever happens after
trap 'bash .ci/containerd.sh stop || true; bash .ci/podman.sh stop || true; bash .ci/docker-tls.sh stop || true' EXIT
bash .ci/services.sh
bash .ci/images.sh
# Podman's Docker-compatible API, with the busybox image loaded into it (after images.sh: it is Docker's image)
bash .ci/podman.sh start
# a second Docker engine on tcp://127.0.0.1 with TLS, for the sidecar's docker-java path (it loads the busybox image)
bash .ci/docker-tls.sh start
mvn -B verify
# Pumba's own bats suite against the built sidecar: every file (CI-FILES; Docker, Podman and Docker's containerd);
# cases this machine cannot run are listed in sidecar/src/test/bats/pumba/SKIPPED.tsv
bash .ci/pumba-bats.sh $(cat sidecar/src/test/bats/pumba/CI-FILES)
# netem on a real kernel: this one has no sch_netem, so the netem suite runs in a QEMU guest with Debian's stock kernel
bash .ci/netem-guest-tests.sh
