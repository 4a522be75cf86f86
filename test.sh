#!/usr/bin/env bash
# The whole test run on a fresh Debian machine, as root: installs and starts what the tests need (Docker engine,
# PostgreSQL, Redis, a private containerd with CRI, the local test images, a second Docker engine with TLS), runs
# every test (`mvn -B verify`), then Pumba's bats suite and the netem suite in a User-mode Linux guest (a kernel with
# sch_netem, which this one lacks). CI
# runs exactly this (.ci/run). With the services already up, `mvn -B verify` alone runs the Maven part.
set -euo pipefail
cd "$(dirname "$0")"
t0=$(date +%s)
phases=""
current=""
# `phase NAME CMD…`: runs CMD, and keeps its time for the table printed at the end (also when a phase fails or the
# whole run is stopped: the table says how far it got and where the time went)
phase() {
  local name=$1 start; shift
  current=$name; start=$(date +%s)
  echo "== test.sh: $name (at $(( start - t0 )) s)"
  "$@"
  phases+="$(printf '%-12s %5d s' "$name" $(( $(date +%s) - start )))"$'\n'
  current=""
}
finish() {
  local rc=$?
  # the private containerd (CRI), Podman's API service and the second, TLS engine are stopped with everything they ran
  bash .ci/containerd.sh stop || true
  bash .ci/podman.sh stop || true
  bash .ci/docker-tls.sh stop || true
  printf '== test.sh: exit %d after %d s\n%s' "$rc" $(( $(date +%s) - t0 )) "$phases"
  [ -z "$current" ] || echo "$current (not finished)"
}
trap finish EXIT
phase install bash .ci/install.sh
phase services bash .ci/services.sh
phase images bash .ci/images.sh
# Podman's Docker-compatible API, with the busybox image loaded into it (after images.sh: it is Docker's image)
phase podman bash .ci/podman.sh start
# a second Docker engine on tcp://127.0.0.1 with TLS, for the sidecar's docker-java path (it loads the busybox image)
phase docker-tls bash .ci/docker-tls.sh start
phase maven mvn -B verify
# Pumba's own bats suite against the built sidecar: every file (CI-FILES; Docker, Podman and Docker's containerd);
# cases this machine cannot run are listed in sidecar/src/test/bats/pumba/SKIPPED.tsv
phase pumba-bats bash .ci/pumba-bats.sh $(cat sidecar/src/test/bats/pumba/CI-FILES)
# netem on a real kernel: this one has no sch_netem, so the netem suite runs in a User-mode Linux guest (.ci/netem-vm.sh;
# QEMU with Debian's stock kernel where UML cannot be installed)
phase netem-guest bash .ci/netem-guest-tests.sh
