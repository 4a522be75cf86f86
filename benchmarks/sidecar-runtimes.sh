#!/usr/bin/env bash
# The sidecar's kill on each runtime against that runtime's own CLI, and stress's start-to-load time (BENCHMARKS.md,
# "Sidecar: kill per runtime, and stress"). One run, side by side, with hyperfine; each timed kill follows a start of
# the container (hyperfine --prepare, not timed):
#   docker:     docker kill C                                   vs  bin/faultline-sidecar --runtime docker kill C
#   podman:     podman kill P                                   vs  bin/faultline-sidecar --runtime podman kill P
#   containerd: ctr -a SOCK -n moby task kill -s SIGKILL <id>   vs  bin/faultline-sidecar --runtime containerd
#               --containerd-address SOCK --containerd-namespace moby kill <id>  (Docker's own containerd, namespace moby,
#               which knows no Docker names: the container is named by its id)
# and each runtime's daemon: one  bin/faultline-sidecar --runtime R … daemon  per runtime, JMX run("kill C") timed until
# its list() says the experiment ended with one action (RuntimeDaemonKillBench), after the same untimed start
# stress start-to-load: from the start of  bin/faultline-sidecar stress --duration 3s --stressors "--cpu 1" C  to the
# first 20 ms of CPU in C's own cgroup (cpuacct.usage, or v2 cpu.stat), polled every ~2 ms; RUNS times, the median.
# Usage, from the repo root after  mvn -B -q -DskipTests package  (root; .ci/podman.sh start for podman; the daemon
# rows need benchmarks/target/faultline-benchmarks.jar):
#   benchmarks/sidecar-runtimes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
IMAGE=${IMAGE:-faultline/busybox:local}
SOCK=${CONTAINERD_SOCK:-/var/run/docker/containerd/containerd.sock}
d=$(mktemp -d /tmp/faultline-runtimes-bench.XXXXXX)
c=fl-rt-$$-$RANDOM
cleanup() { docker rm -f "$c" "$c-ctr" "$c-stress" >/dev/null 2>&1 || true; podman rm -f -t 0 "$c" >/dev/null 2>&1 || true; rm -rf "$d"; }
trap cleanup EXIT
export FAULTLINE_JOURNAL=$d/journal/journal
S=bin/faultline-sidecar
BENCH=benchmarks/target/faultline-benchmarks.jar
daemon_kill() { ${JAVA:-java} -cp "$BENCH" dev.faultline.bench.RuntimeDaemonKillBench "$S" "$RUNS" "$@"; }
echo "## $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(${JAVA:-java} -version 2>&1 | head -1); docker $(docker version -f '{{.Server.Version}}'); $(podman --version 2>/dev/null || echo 'no podman')"
H=(hyperfine -N -w 1 -r "$RUNS" --style basic)

docker run -d --name "$c" "$IMAGE" sleep 100000 >/dev/null
"${H[@]}" --export-markdown "$d/docker.md" --prepare "docker start $c" \
  -n "docker kill" "docker kill $c" -n "sidecar --runtime docker kill" "$S --runtime docker kill $c" >/dev/null
cat "$d/docker.md"
daemon_kill "docker start $c" "$c" --runtime docker

if podman info >/dev/null 2>&1 && [ -S /run/podman/podman.sock ]; then
  podman run -d --name "$c" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$IMAGE" sleep 100000 >/dev/null
  "${H[@]}" --export-markdown "$d/podman.md" --prepare "podman start $c" \
    -n "podman kill" "podman kill $c" -n "sidecar --runtime podman kill" "$S --runtime podman kill $c" >/dev/null
  cat "$d/podman.md"
  daemon_kill "podman start $c" "$c" --runtime podman
else
  echo "podman: skipped (no podman, or its API service is not running: .ci/podman.sh start)"
fi

id=$(docker run -d --name "$c-ctr" "$IMAGE" sleep 100000)
# the prepare waits until Docker has seen the last kill's exit (docker wait): a start before that is a no-op, and
# dockerd then deletes the task, which ctr then does not find
"${H[@]}" --export-markdown "$d/containerd.md" \
  --prepare "sh -c 'docker kill $c-ctr >/dev/null 2>&1; docker wait $c-ctr >/dev/null; docker start $c-ctr'" \
  -n "ctr task kill" "ctr -a $SOCK -n moby task kill -s SIGKILL $id" \
  -n "sidecar --runtime containerd kill" "$S --runtime containerd --containerd-address $SOCK --containerd-namespace moby kill $id" >/dev/null
cat "$d/containerd.md"
daemon_kill "docker kill $c-ctr >/dev/null 2>&1; docker wait $c-ctr >/dev/null; docker start $c-ctr" "$id" \
  --runtime containerd --containerd-address "$SOCK" --containerd-namespace moby

docker run -d --name "$c-stress" "$IMAGE" sleep 100000 >/dev/null
pid=$(docker inspect -f '{{.State.Pid}}' "$c-stress")
usage_file=; per_us=1000
while IFS=: read -r _ ctl path; do
  case ",$ctl," in *,cpuacct,*) usage_file=/sys/fs/cgroup/$ctl$path/cpuacct.usage ;; esac
done < /proc/$pid/cgroup
usage() { if [ -n "$usage_file" ]; then echo $(( $(cat "$usage_file") / per_us )); else sed -n 's/^usage_usec //p' "$cg2/cpu.stat"; fi; }
if [ -z "$usage_file" ]; then cg2=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/$pid/cgroup); [ -f /sys/fs/cgroup/cgroup.controllers ] || cg2=/sys/fs/cgroup/unified${cg2#/sys/fs/cgroup}; fi
: > "$d/stress"
for i in $(seq 0 "$RUNS"); do
  u0=$(usage); t0=$(date +%s%N)
  $S stress --duration 3s --stressors "--cpu 1" "$c-stress" >/dev/null 2>&1 &
  sp=$!
  while [ $(( $(usage) - u0 )) -lt 20000 ]; do sleep 0.002; done
  t1=$(date +%s%N)
  wait "$sp"
  [ "$i" -gt 0 ] && echo $(( (t1 - t0) / 1000000 )) >> "$d/stress"
done
python3 - "$d/stress" <<'PY'
import statistics as st, sys
xs = [int(l) for l in open(sys.argv[1])]
print("stress start-to-load (sidecar start to 20 ms of CPU in the target's cgroup), ms: median %d (min %d, max %d), %d runs"
      % (st.median(xs), min(xs), max(xs), len(xs)))
PY
