#!/usr/bin/env bash
# The operator CLI against jmxterm (BENCHMARKS.md, "Operator CLI"): 20 agent JVMs on loopback, then farm-bench
# pairs, A and B in turn in one call, the ratio taken pair by pair:
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
echo "## $N agents up on 127.0.0.1:$((base + 1))..$((base + N)); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "### faultline agent add, 1 agent  vs  jmxterm add(), 1 agent"
farm-bench -n "$RUNS" --warmup 2 --timeout 600 --vs "$(jmxterm add.jmx)" -- bin/faultline agent add --jmx 127.0.0.1:$one --credentials-dir "$d" $spec
echo "### faultline agent add, $N agents  vs  jmxterm add(), 1 agent"
farm-bench -n "$RUNS" --warmup 2 --timeout 600 --vs "$(jmxterm add.jmx)" -- bin/faultline agent add "${all[@]}" --credentials-dir "$d" $spec
echo "### faultline halt-all, $N agents  vs  jmxterm clear(), 1 agent"
farm-bench -n "$RUNS" --warmup 2 --timeout 600 --vs "$(jmxterm clear.jmx)" -- bin/faultline halt-all "${all[@]}" --credentials-dir "$d"
