#!/usr/bin/env bash
# The operator CLI against jmxterm (BENCHMARKS.md, "Operator CLI"): 20 agent JVMs on loopback, then paired runs of
# whole processes (A and B in turn, 2 warm-up pairs, /usr/bin/time for CPU and peak RSS), the ratio taken pair by pair:
#   faultline agent add to 1 agent       vs  jmxterm add() on 1 agent
#   faultline agent add to 20 agents     vs  jmxterm add() on 1 agent
#   faultline halt-all over 20 agents    vs  jmxterm clear() on 1 agent
# Run from the repo root after  mvn -B -q -DskipTests package  (needs cli/target/test-classes for the idle JVMs).
# JMXTERM: the jmxterm uber jar (default: Maven's local repository, fetched by
#   mvn dependency:get -Dartifact=org.cyclopsgroup:jmxterm:1.0.4:jar:uber -Dtransitive=false).
# Every process started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}
AGENT=agent/target/faultline-agent.jar
JMXTERM=${JMXTERM:-$HOME/.m2/repository/org/cyclopsgroup/jmxterm/1.0.4/jmxterm-1.0.4-uber.jar}
RUNS=${RUNS:-10}
N=${AGENTS:-20}
for f in "$AGENT" cli/target/faultline.jar cli/target/test-classes/dev/faultline/cli/it/IdleService.class "$JMXTERM"; do
  [ -e "$f" ] || { echo "missing $f (build first; JMXTERM: see the header)" >&2; exit 2; }
done
d=$(mktemp -d /tmp/faultline-cli-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$d"; }
trap cleanup EXIT
mkfifo "$d/stdin"
sleep 100000 > "$d/stdin" &   # holds the agents' stdin open: IdleService runs until it closes
pids+=($!)
base=$((20000 + RANDOM % 20000))
ports=()
for i in $(seq 1 "$N"); do
  p=$((base + i))
  $JAVA -XX:TieredStopAtLevel=1 -Xmx64m -javaagent:"$AGENT"=jmx.port=$p,jmx.auth.dir=$d,log.level=warn \
    -cp cli/target/test-classes dev.faultline.cli.it.IdleService < "$d/stdin" > "$d/agent-$p.log" 2>&1 &
  pids+=($!)
  ports+=("$p")
done
for p in "${ports[@]}"; do
  for _ in $(seq 1 600); do [ -f "$d/jmx-$p.password" ] && break; sleep 0.1; done
  [ -f "$d/jmx-$p.password" ] || { echo "agent on $p did not start: $(cat "$d/agent-$p.log")" >&2; exit 1; }
done
one=${ports[0]}
read -r user pw < <(grep -v "^#" "$d/jmx-$one.password")
spec='latency on=connect port=5432 delay=1ms ttl=60s'
# jmxterm splits arguments at spaces, quoted or not, from a script file: the spec's spaces are escaped
printf 'run -b dev.faultline:type=Agent add %s\n' "${spec// /\\ }" > "$d/add.jmx"
printf 'run -b dev.faultline:type=Agent clear\n' > "$d/clear.jmx"
all=()
for p in "${ports[@]}"; do all+=(--jmx "127.0.0.1:$p"); done
# every agent answers (a JVM still starting on a busy machine may not yet), then a check run of each tool
ready=no
for _ in $(seq 1 30); do
  if bin/faultline halt-all "${all[@]}" --credentials-dir "$d" --timeout 20s >/dev/null 2>"$d/ready.err"; then ready=yes; break; fi
  sleep 1
done
[ $ready = yes ] || { cat "$d/ready.err" >&2; exit 1; }
bin/faultline agent add --jmx 127.0.0.1:$one --credentials-dir "$d" $spec >/dev/null
# jmxterm exits 0 even when the call failed: its answer must be a fault id
$JAVA -jar "$JMXTERM" -l 127.0.0.1:$one -u "$user" -p "$pw" -n -v brief -i "$d/add.jmx" 2>&1 | grep -qx 'f[0-9]*' \
  || { echo "jmxterm add() did not answer an id: $(cat "$d/add.jmx")" >&2; exit 1; }
jmxterm() { echo "$JAVA -jar $JMXTERM -l 127.0.0.1:$one -u $user -p $pw -n -v silent -i $d/$1"; }
# pair "B command" A command...: RUNS pairs after 2 warm-up pairs, A then B each time; prints medians, min-max and
# the pair-by-pair ratios of wall and CPU time, and peak RSS
pair() {
  local b=$1; shift
  : > "$d/pairs"
  for i in $(seq 1 $((RUNS + 2))); do
    for side in A B; do
      local t0 t1
      t0=$(date +%s%N)
      if [ $side = A ]; then /usr/bin/time -f "%U %S %M" -o "$d/time" "$@" >/dev/null 2>&1
      else /usr/bin/time -f "%U %S %M" -o "$d/time" $b >/dev/null 2>&1; fi
      t1=$(date +%s%N)
      [ "$i" -gt 2 ] && echo "$side $(( (t1 - t0) / 1000 )) $(tail -1 "$d/time")" >> "$d/pairs"
    done
  done
  python3 - "$d/pairs" <<'PY'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1])]
a = [r for r in rows if r[0] == "A"]; b = [r for r in rows if r[0] == "B"]
wall = lambda r: int(r[1]) / 1e6; cpu = lambda r: float(r[2]) + float(r[3]); rss = lambda r: int(r[4]) / 1024
fmt = lambda xs: "%.3f (%.3f-%.3f)" % (st.median(xs), min(xs), max(xs))
print("A wall s %s | B wall s %s | A/B wall %.2f | A/B cpu %.2f | peak RSS MiB A %.0f B %.0f" % (
    fmt([wall(r) for r in a]), fmt([wall(r) for r in b]),
    st.median([wall(x) / wall(y) for x, y in zip(a, b)]),
    st.median([cpu(x) / max(cpu(y), 0.001) for x, y in zip(a, b)]),
    st.median([rss(r) for r in a]), st.median([rss(r) for r in b])))
PY
}
echo "## $N agents up on 127.0.0.1:$((base + 1))..$((base + N)); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "### faultline agent add, 1 agent  vs  jmxterm add(), 1 agent"
pair "$(jmxterm add.jmx)" bin/faultline agent add --jmx 127.0.0.1:$one --credentials-dir "$d" $spec
echo "### faultline agent add, $N agents  vs  jmxterm add(), 1 agent"
pair "$(jmxterm add.jmx)" bin/faultline agent add "${all[@]}" --credentials-dir "$d" $spec
echo "### faultline halt-all, $N agents  vs  jmxterm clear(), 1 agent"
pair "$(jmxterm clear.jmx)" bin/faultline halt-all "${all[@]}" --credentials-dir "$d"
