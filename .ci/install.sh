#!/usr/bin/env bash
# Debian packages the tests and benchmarks use. Idempotent.
set -euo pipefail
# bats, bats-support, bats-assert: Pumba's own integration suite run against the sidecar (.ci/pumba-bats.sh)
bats_pkgs=(bats bats-support bats-assert)
# chromium: the cli's report test opens the HTML report headless; prometheus: the cli's Prometheus-probe test scrapes an agent
# containerd, runc, containernetworking-plugins: the private CRI runtime of .ci/containerd.sh (curl: its tests reach pods)
# podman: the sidecar's podman runtime (its Docker-compatible API service, .ci/podman.sh)
# stress-ng: the sidecar's stress verb runs the node's stress-ng (StressIT)
# openssl: the certificates of the second, TLS Docker engine (.ci/docker-tls.sh)
pkgs=(docker.io postgresql redis-server busybox-static debootstrap iproute2 iptables wrk hyperfine
      containerd runc containernetworking-plugins curl chromium prometheus openssl podman stress-ng)
missing=()
for p in "${pkgs[@]}" "${bats_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
