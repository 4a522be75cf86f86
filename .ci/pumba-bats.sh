#!/usr/bin/env bash
# Pumba's own bats integration suite (sidecar/src/test/bats/pumba, copied from alexei-led/pumba with only the
# environmental changes listed in its ENVIRONMENT.md) run against the built sidecar: `pumba` on PATH is a shim for
# bin/faultline-sidecar. Every file runs in one bats invocation (one process start, one report); at the end a table of
# pass/fail/skip per file. Needs the built jar (mvn -B -pl sidecar -am package -DskipTests), Docker, Podman's API
# service (.ci/podman.sh start) and Debian's bats, bats-support and bats-assert (.ci/install.sh).
#
#   .ci/pumba-bats.sh                       every file
#   .ci/pumba-bats.sh kill.bats stop.bats   chosen files
# Reports: sidecar/target/pumba-bats/ (TAP log, per-file table).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
suite=$root/sidecar/src/test/bats/pumba
out=${PUMBA_BATS_OUT:-$root/sidecar/target/pumba-bats}   # emptied first
[ -s sidecar/target/faultline-sidecar.jar ] || { echo "pumba-bats: build first: mvn -B -pl sidecar -am package -DskipTests" >&2; exit 2; }
command -v bats >/dev/null || { echo "pumba-bats: no bats (Debian: bats bats-support bats-assert; .ci/install.sh)" >&2; exit 2; }
rm -rf "$out"; mkdir -p "$out/bin"

# `pumba` is the sidecar's launcher; `sudo` runs the command as is where there is none (CI runs as root)
printf '#!/bin/sh\nexec "%s/bin/faultline-sidecar" "$@"\n' "$root" > "$out/bin/pumba"
command -v sudo >/dev/null || printf '#!/bin/sh\nexec "$@"\n' > "$out/bin/sudo"
chmod +x "$out"/bin/*
export PATH="$out/bin:$PATH"
# ctr and the suite's require_containerd: Docker's own containerd where there is no system one (its moby namespace)
if [ -z "${CONTAINERD_ADDRESS:-}" ] && [ ! -S /run/containerd/containerd.sock ] && [ -S /run/docker/containerd/containerd.sock ]; then
  export CONTAINERD_ADDRESS=/run/docker/containerd/containerd.sock
fi
# Podman's runc cannot raise its default ulimits on this kind of machine (sidecar/README.md): a containers.conf that
# keeps them at the host's. stop_timeout 0: Podman 4.3's `podman rm -f` (every podman file's setup and teardown) first
# waits a container's stop timeout (10 s) for SIGTERM, which the targets' PID 1 (sleep, tail, top) ignores; Docker's
# `rm -f` kills at once. The sidecar's own stop passes its --time (Pumba's 10 s default) to the API, so no case changes
printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n[engine]\nstop_timeout = 0\n' > "$out/containers.conf"
export CONTAINERS_CONF="$out/containers.conf" # Podman 4.3 reads no CONTAINERS_CONF_OVERRIDE
# no registry: the podman files' `podman pull … || true` (Pumba's helper images, the local images under docker.io/…)
# fail at once instead of waiting on a network that drops the packets; local images still serve every run
printf 'unqualified-search-registries = []\n' > "$out/registries.conf"
for r in docker.io ghcr.io quay.io registry.k8s.io gcr.io; do
  printf '[[registry]]\nlocation = "%s"\nblocked = true\n' "$r" >> "$out/registries.conf"
done
export CONTAINERS_REGISTRIES_CONF="$out/registries.conf"
# deadlines that really fire: a case that hangs fails after PUMBA_BATS_TEST_TIMEOUT s (the longest passing case
# takes ~35 s), the whole run ends after PUMBA_BATS_DEADLINE s (a full run takes 9-12 min) with what it has
export BATS_TEST_TIMEOUT=${PUMBA_BATS_TEST_TIMEOUT:-150}
deadline=${PUMBA_BATS_DEADLINE:-1500}
export BATS_LIB_DIR=${BATS_LIB_DIR:-/usr/lib/bats}
# the suite's teardowns end background runs with `pkill -f "pumba.*<target>"`: the sidecar's JVM carries the word
export FAULTLINE_JAVA_OPTS="${FAULTLINE_JAVA_OPTS:-} -Dfaultline.launched.as=pumba"
# how long the iptables files wait at most for the run they started in the background to have its rule before they
# look at it (Pumba's: a fixed 2 s): the sidecar's JVM with containerd's gRPC client took 1.5-8 s to its first rule on
# this loaded 2-core machine, and CI runs this beside two busy netem guests (test.sh): 30 s at most; the wait ends as
# soon as the rule is there (test_helper's wait_for_drop_rule)
export PUMBA_BATS_START_WAIT=${PUMBA_BATS_START_WAIT:-30}
# the cases SKIPPED.tsv marks no-netem are skipped on a kernel without sch_netem (tried in a throw-away netns)
if unshare -n tc qdisc add dev lo root netem delay 1ms >/dev/null 2>&1; then export PUMBA_BATS_NO_NETEM=0
else export PUMBA_BATS_NO_NETEM=1; echo "pumba-bats: this kernel has no sch_netem: the no-netem cases of SKIPPED.tsv are skipped" >&2; fi
if unshare -n ip link add pumba-bats0 type dummy >/dev/null 2>&1; then export PUMBA_BATS_NO_DUMMY=0
else export PUMBA_BATS_NO_DUMMY=1; echo "pumba-bats: this kernel has no dummy network driver: the no-dummy cases of SKIPPED.tsv are skipped" >&2; fi

files=()
if [ $# -gt 0 ]; then for f in "$@"; do files+=("$suite/$(basename "$f")"); done
else for f in "$suite"/*.bats; do files+=("$f"); done; fi

# the alpine stand-in: the local busybox image with the /tmp an alpine image has (the exec cases write there)
if ! docker image inspect faultline/pumba-alpine:local >/dev/null 2>&1; then
  printf 'FROM faultline/busybox:local\nRUN mkdir -p -m 1777 /tmp\n' | docker build -q -t faultline/pumba-alpine:local - >/dev/null
fi
# the stress targets: Debian's stress-ng in a busybox image (.ci/images.sh), where Pumba's files apk-add it to alpine
if printf '%s\n' "${files[@]}" | grep -q 'stress\.bats$'; then
  docker image inspect faultline/stress-ng:local >/dev/null 2>&1 || .ci/images.sh >/dev/null
  # Pumba's stress helper image under the name containerd_stress.bats pins (its --inject-cgroup case checks that the
  # image ships /stress-ng and /cg-inject): that stress-ng image with both, /cg-inject a busybox script of Pumba's
  # contract (`cg-inject --cgroup-path P -- CMD…`: joins cgroup P, v2 or each v1 hierarchy, then runs CMD). The sidecar starts no helper
  # container (it runs the node's stress-ng in the target's cgroup): nothing runs them, as nothing pulls the image
  if ! docker image inspect ghcr.io/alexei-led/stress-ng:0.20.01 >/dev/null 2>&1; then
    printf '%s\n' 'FROM faultline/stress-ng:local' 'RUN ln -s /usr/bin/stress-ng /stress-ng && printf "%s\n" \' \
      "  '#!/bin/sh' 'usage() { echo \"cg-inject: usage: cg-inject --cgroup-path <path> -- <command> [args...]\" >&2; exit 2; }' \\" \
      "  '[ \"\$1\" = --cgroup-path ] && [ -n \"\$2\" ] && [ \"\$3\" = -- ] && [ \$# -gt 3 ] || usage' \\" \
      "  'j=0; for d in /sys/fs/cgroup /sys/fs/cgroup/*; do [ -f \"\$d/\${2#/}/cgroup.procs\" ] && echo \$\$ > \"\$d/\${2#/}/cgroup.procs\" && j=1; done' \\" \
      "  '[ \$j = 1 ] || { echo \"cg-inject: cannot join cgroup \$2\" >&2; exit 1; }' \\" \
      "  'shift 3; exec \"\$@\"' > /cg-inject && chmod 755 /cg-inject" |
      docker build -q -t ghcr.io/alexei-led/stress-ng:0.20.01 - >/dev/null
  fi
fi
# the netshoot stand-in (iproute2, iptables) in Podman's store, as busybox is (.ci/podman.sh)
# under the name the files give it (docker.io/…: Podman keeps a loaded image as localhost/…)
if printf '%s\n' "${files[@]}" | grep -q '/podman_' && command -v podman >/dev/null; then
  podman image exists faultline/pumba-alpine:local || docker save faultline/pumba-alpine:local | podman load -q >/dev/null
  podman image exists docker.io/faultline/pumba-alpine:local || podman tag faultline/pumba-alpine:local docker.io/faultline/pumba-alpine:local
  if docker image inspect faultline/stress-ng:local >/dev/null 2>&1 && ! podman image exists faultline/stress-ng:local; then
    docker save faultline/stress-ng:local | podman load -q >/dev/null
  fi
  podman image exists faultline/jre-base:local || docker save faultline/jre-base:local | podman load -q >/dev/null
  podman image exists docker.io/faultline/jre-base:local || podman tag faultline/jre-base:local docker.io/faultline/jre-base:local
fi

# what a case that timed out or a killed run leaves: containers made during the run, background `pumba` runs
before=$out/containers-before
docker ps -aq --no-trunc | sort > "$before.docker"
command -v podman >/dev/null && podman ps -aq --no-trunc | sort > "$before.podman"
leftovers() {
  pkill -9 -f 'faultline.launched.as=pumba' 2>/dev/null || true
  docker ps -aq --no-trunc | sort | comm -13 "$before.docker" - | xargs -r docker rm -f >/dev/null 2>&1 || true
  if [ -f "$before.podman" ]; then
    podman ps -aq --no-trunc | sort | comm -13 "$before.podman" - | xargs -r podman rm -f -t 0 >/dev/null 2>&1 || true
  fi
}
trap leftovers EXIT

# PUMBA_BATS_FILTER: only the cases whose name matches this regex (bats --filter; .ci/netem-guest-bats.sh)
filter=()
[ -z "${PUMBA_BATS_FILTER:-}" ] || filter=(--filter "$PUMBA_BATS_FILTER")
start=$(date +%s)
# A case that fails before it stops its background run (`pumba --interval … &`, ended by the case's last lines) leaves
# that run holding bats' output open, and bats waits for it after its last case, forever (a CI run ended so; and a
# `timeout` on bats would not end the pipeline either: the orphan still holds the pipe to tee). Once every planned case
# has its line, what is still there gets 20 s: then the sidecar runs are killed, and any other process but bats' own
# that holds bats' output pipe is named and killed.
# What holds bats' output open once every case has ended: a process holding one of the pipes that this script's own
# processes read (bats, its stages, tee: a case's fd 3 is one of them) and not one of them. Its own are its
# descendants outside any bats-exec-test (a case's background fork; once the case has ended, what it started is
# reparented to init anyway). One find and one ps: in the netem guest a process start costs ~20 ms.
output_holders() {
  local procs
  procs=$(ps -eo pid=,ppid=,args=)
  find /proc/[0-9]*/fd -maxdepth 1 -type l -lname 'pipe:*' -printf '%p %l\n' 2>/dev/null |
    awk -v self=$$ -v procs="$procs" '
      BEGIN {
        n = split(procs, lines, "\n")
        for (i = 1; i <= n; i++) { split(lines[i], f, " "); parent[f[1]] = f[2]; test[f[1]] = lines[i] ~ /bats-exec-test/ }
        for (p in parent)
          for (q = p; q != "" && q != "0" && !test[q]; q = parent[q]) if (q == self) { own[p] = 1; break }
      }
      { split($1, d, "/"); pid[NR] = d[3]; fd[NR] = d[5]; pipe[NR] = $2 }
      END {
        for (i in pid) if (own[pid[i]] && fd[i] == "0") reads[pipe[i]] = 1
        for (i in pid) if (!own[pid[i]] && pipe[i] in reads) print pid[i]
      }' | sort -u
}
(
  while sleep 2; do
    plan=$(sed -n '1s/^1\.\.\([0-9]*\)$/\1/p' "$out/suite.tap" 2>/dev/null)
    [ -n "$plan" ] && [ "$(grep -cE '^(ok|not ok) ' "$out/suite.tap")" -ge "$plan" ] || continue
    sleep 20
    pgrep -f 'faultline.launched.as=pumba' >/dev/null && {
      echo "pumba-bats: every case has ended; killing the background runs a failed case left" >&2
      pkill -9 -f 'faultline.launched.as=pumba'
      sleep 2
    }
    holders=$(output_holders || true)
    [ -z "$holders" ] || {
      echo "pumba-bats: every case has ended; killing what still holds bats' output open:" >&2
      # shellcheck disable=SC2086 # pids
      ps -o pid=,ppid=,args= -p $(echo $holders | tr ' ' ,) >&2 || true
      # shellcheck disable=SC2086
      kill -9 $holders 2>/dev/null || true
    }
    exit 0
  done
) &
reaper=$!
# each case's line as it ends (CI's log shows how far a run got), the whole TAP log in suite.tap
set +e
(cd "$suite" && timeout -k 30 "$deadline" bats --tap --timing --report-formatter junit --output "$out" "${filter[@]}" "${files[@]}") \
  2> "$out/suite.err" | tee "$out/suite.tap" | grep --line-buffered -E '^(ok|not ok) '
rc=${PIPESTATUS[0]}
set -e
kill "$reaper" 2>/dev/null || true
secs=$(( $(date +%s) - start ))
[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || echo "pumba-bats: the run passed its deadline of $deadline s and was stopped" >&2

# per file, from bats' JUnit report (one testsuite per file). Its formatter may still be writing it when bats has
# exited (the netem guest's summary read none): up to 10 s for its closing tag
for _ in $(seq 1 50); do grep -q '</testsuites>' "$out/report.xml" 2>/dev/null && break; [ "$rc" -ne 124 ] || break; sleep 0.2; done
{
  printf '| file | pass | fail | skip |\n|---|---|---|---|\n'
  if [ -f "$out/report.xml" ]; then
    sed -n 's/.*<testsuite name="\([^"]*\)" tests="\([0-9]*\)" failures="\([0-9]*\)" errors="\([0-9]*\)" skipped="\([0-9]*\)".*/\1 \2 \3 \4 \5/p' "$out/report.xml" |
      awk '{ p = $2 - $3 - $4 - $5; tp += p; tf += $3 + $4; ts += $5; printf "| %s | %d | %d | %d |\n", $1, p, $3 + $4, $5 }
           END { printf "| **all** | %d | %d | %d |\n", tp, tf, ts }'
  else echo "| (no report: bats did not finish) | | | |"; fi
} > "$out/summary.md"
cat "$out/summary.md"
echo "pumba-bats: bats exit $rc after $secs s; TAP log in $out/suite.tap" >&2
exit $rc
