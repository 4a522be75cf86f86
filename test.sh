#!/usr/bin/env bash
# The whole test run on a fresh Debian machine, as root: installs and starts what the tests need (Docker engine,
# PostgreSQL, Redis, a private containerd with CRI, the local test images, a second Docker engine with TLS), runs
# every test (`mvn -B verify`), then Pumba's bats suite, and the netem suite and Pumba's netem and dummy cases in
# User-mode Linux guests (a kernel with sch_netem and the dummy driver, which this one lacks), side by side. CI
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
  bash .ci/podman-rootless.sh stop >/dev/null 2>&1 || true
  bash .ci/docker-tls.sh stop || true
  printf '== test.sh: exit %d after %d s\n%s' "$rc" $(( $(date +%s) - t0 )) "$phases"
  [ -z "$current" ] || echo "$current (not finished)"
}
# `together NAME CMD NAME CMD …`: runs each CMD (one word each: a script and no arguments, or a function) side by side,
# each line of its output with [NAME] in front; fails with the first failure's exit, once every one has ended. Each
# one's time goes in the table. For parts that keep a core busy each while other cores would wait
together() {
  local dir start names=() pids=() i rc=0 r
  dir=$(mktemp -d); start=$(date +%s); current="$*"
  echo "== test.sh: side by side: $(printf '%s ' "$@" | awk '{ for (i = 1; i <= NF; i += 2) printf "%s ", $i }')(at $(( start - t0 )) s)"
  while [ $# -gt 0 ]; do
    names+=("$1")
    ( set +e; "$2" 2>&1 | sed -u "s/^/[$1] /"; r=${PIPESTATUS[0]}; echo "$r $(( $(date +%s) - start ))" > "$dir/$1"; exit "$r" ) &
    pids+=($!); shift 2
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" && r=0 || r=$?
    [ "$r" = 0 ] || [ "$rc" != 0 ] || rc=$r
    phases+="$(printf '%-12s %5d s (side by side, exit %s)' "${names[$i]}" "$(cut -d' ' -f2 "$dir/${names[$i]}" 2>/dev/null || echo 0)" "$r")"$'\n'
  done
  rm -rf "$dir"; current=""
  return "$rc"
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
host_bats() { bash .ci/pumba-bats.sh $(cat sidecar/src/test/bats/pumba/CI-FILES); }
# and its one rootless-Podman case against a rootless Podman service (a second user's; ENVIRONMENT.md), before the
# rest: a bats run ends by killing the sidecar runs it left, which would hit the other's
phase pumba-rootless bash .ci/pumba-bats-rootless.sh
# netem on a real kernel: this one has no sch_netem, so the netem suite runs in a User-mode Linux guest (.ci/netem-vm.sh;
# QEMU with Debian's stock kernel where UML cannot be installed), and so do Pumba's cases this kernel cannot run
# (SKIPPED.tsv: no-netem, no-dummy), their files split between two guests, each with its own engines. All beside the
# host's bats: each bats guest keeps its one CPU busy (~20 min), the host's bats about one core (~10 min: a case waits
# on one sidecar JVM at a time), the netem suite mostly waits on its probes (~5 min). One after the other they took
# ~30 min and left a core idle a third of it. The bats guests run SCHED_IDLE: they get only the CPU the others leave,
# for the netem suite's delays are measured to the millisecond (beside two busy guests at the same priority its jitter
# cases read p95 +135 ms and sd 19 ms for 100 ms +- 20 and sigma 10: scheduling, not netem). They get 50 min before
# they are stopped (~25 under this sharing; BENCHMARKS.md, "Pumba's bats cases in UML")
netem_suite() { bash .ci/netem-guest-tests.sh; }
netem_bats() { FAULTLINE_VM_TIMEOUT=3000 PUMBA_BATS_GUEST_SHARDS=2 chrt -i 0 bash .ci/netem-guest-bats.sh; }
together pumba-bats host_bats netem-guest netem_suite netem-bats netem_bats
