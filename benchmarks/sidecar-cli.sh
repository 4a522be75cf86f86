#!/usr/bin/env bash
# The sidecar's command line against docker (BENCHMARKS.md, "Sidecar start-up"): one kill of one container, as whole
# processes. Each round runs B, then every A in turn, each after the same docker start of a busybox container:
#   B:  sh -c 'docker start C >/dev/null && docker kill C >/dev/null'
#   A:  sh -c 'docker start C >/dev/null && exec <launcher> kill C >/dev/null 2>&1'
# 1 warm-up round, then RUNS counted ones; the ratio is taken round by round (A against the B of its round); wall by
# the shell's clock, CPU (user + system) and peak RSS by /usr/bin/time (the largest single process: the sidecar's JVM).
# Usage, from the repo root after  mvn -B -q -DskipTests package :
#   benchmarks/sidecar-cli.sh ["<launcher>" …]     default: bin/faultline-sidecar and java -jar sidecar/target/faultline-sidecar.jar
# e.g. an older build beside this one:  benchmarks/sidecar-cli.sh /tmp/before/bin/faultline-sidecar bin/faultline-sidecar
# The container and the journal's temp dir are removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
IMAGE=${IMAGE:-faultline/busybox:local}
[ $# -gt 0 ] || set -- bin/faultline-sidecar "${JAVA:-java} -jar sidecar/target/faultline-sidecar.jar"
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "missing image $IMAGE (IMAGE=… for another with sleep)" >&2; exit 2; }
d=$(mktemp -d /tmp/faultline-sidecar-bench.XXXXXX)
c=fl-bench-$$-$RANDOM
cleanup() { docker rm -f "$c" >/dev/null 2>&1 || true; rm -rf "$d"; }
trap cleanup EXIT
export FAULTLINE_JOURNAL=$d/journal/journal
docker run -d --name "$c" "$IMAGE" sleep 100000 >/dev/null
docker kill "$c" >/dev/null
# a check run of each: it must kill
for a in "$@"; do
  docker start "$c" >/dev/null
  $a kill "$c" > "$d/check.log" 2>&1 || { echo "$a kill failed: $(cat "$d/check.log")" >&2; exit 1; }
  [ "$(docker inspect -f '{{.State.Running}}' "$c")" = false ] || { echo "$a did not kill $c" >&2; exit 1; }
done
one() { # label command: appends "label wall_us user sys maxrss_kb"
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S %M" -o "$d/time" sh -c "$2" >/dev/null 2>&1
  t1=$(date +%s%N)
  [ "$round" -gt 1 ] && echo "$1 $(( (t1 - t0) / 1000 )) $(tail -1 "$d/time")" >> "$d/rows"
  return 0
}
: > "$d/rows"
for round in $(seq 1 $((RUNS + 1))); do
  one B "docker start $c >/dev/null && docker kill $c >/dev/null"
  i=0
  for a in "$@"; do i=$((i + 1)); one "A$i" "docker start $c >/dev/null && exec $a kill $c >/dev/null 2>&1"; done
done
echo "## $RUNS rounds; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(${JAVA:-java} -version 2>&1 | head -1); docker $(docker version -f '{{.Server.Version}}')"
python3 - "$d/rows" "$@" <<'PY'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1])]
names = sys.argv[2:]
side = lambda s: [r for r in rows if r[0] == s]
wall = lambda r: int(r[1]) / 1e6; cpu = lambda r: float(r[2]) + float(r[3]); rss = lambda r: int(r[4]) / 1024
fmt = lambda xs: "%.3f (%.3f-%.3f)" % (st.median(xs), min(xs), max(xs))
b = side("B")
print("| A | A wall s median (min-max) | B wall s median | A/B wall median | A cpu s median | A peak RSS MiB median |")
print("|---|---|---|---|---|---|")
for i, name in enumerate(names, 1):
    a = side("A%d" % i)
    print("| `%s` | %s | %.3f | %.2f | %.3f | %.1f |" % (name, fmt([wall(r) for r in a]), st.median([wall(r) for r in b]),
          st.median([wall(x) / wall(y) for x, y in zip(a, b)]), st.median([cpu(r) for r in a]), st.median([rss(r) for r in a])))
print("B cpu s median %.3f, peak RSS MiB median %.1f" % (st.median([cpu(r) for r in b]), st.median([rss(r) for r in b])))
PY
