#!/usr/bin/env bash
# Every figure in BENCHMARKS.md (agent section) comes from this script, run from the repo root after
#   mvn -B -q -DskipTests package
# Needs wrk and hyperfine (Debian packages; .ci/install.sh installs them). Prints markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
AGENT=agent/target/faultline-agent.jar
BENCH=benchmarks/target/faultline-benchmarks.jar
JAVA=${JAVA:-java}
what=${1:-all}

if [[ $what == all || $what == hooks ]]; then
  echo "## JMH: hook cost"
  $JAVA -cp "$BENCH" dev.faultline.bench.HookCostRunner "$AGENT" "${FORKS:-2}" "${ITERATIONS:-5}" 2>&1 | sed -n '/^| configuration/,$p'
fi

if [[ $what == all || $what == accuracy ]]; then
  echo "## Accuracy"
  $JAVA -javaagent:"$AGENT"=log.level=warn -cp "$BENCH" dev.faultline.bench.LatencyAccuracy "${CALLS:-1000}" 2>&1 | grep -v "^OpenJDK"
fi

if [[ $what == all || $what == startup ]]; then
  echo "## Start-up (hyperfine)"
  hyperfine -N --warmup 3 --runs "${RUNS:-20}" --export-markdown /tmp/faultline-startup.md \
    "$JAVA -cp $BENCH dev.faultline.bench.HelloService --first-request" \
    "$JAVA -javaagent:$AGENT=log.level=warn -cp $BENCH dev.faultline.bench.HelloService --first-request" >/dev/null
  cat /tmp/faultline-startup.md
fi

if [[ $what == sidecar ]]; then   # not in "all": needs root and a Docker engine
  echo "## Sidecar"
  $JAVA -cp "$BENCH" dev.faultline.bench.SidecarBench sidecar/target/faultline-sidecar.jar "${ROUNDS:-10}"
fi

if [[ $what == all || $what == load ]]; then
  echo "## Whole-service load (wrk), interleaved rounds"
  faults=$(mktemp); echo "error on=read port=1 ttl=0" > "$faults"
  declare -A total=()
  configs=("no agent|" "agent, nothing armed|-javaagent:$AGENT=log.level=warn" "agent, non-matching rule|-javaagent:$AGENT=log.level=warn,faults=$faults")
  for round in $(seq 1 "${ROUNDS:-3}"); do
    for c in "${configs[@]}"; do
      name=${c%%|*}; opt=${c#*|}; port=$((18000 + RANDOM % 1000))
      $JAVA $opt -cp "$BENCH" dev.faultline.bench.HelloService $port > /tmp/faultline-svc.log 2>&1 &
      pid=$!
      for _ in $(seq 1 100); do grep -q READY /tmp/faultline-svc.log && break; sleep 0.1; done
      wrk -t2 -c32 -d"${SECONDS_PER_RUN:-3}s" http://127.0.0.1:$port/ > /dev/null   # warm-up
      rps=$(wrk -t2 -c32 -d"${SECONDS_PER_RUN:-10}s" http://127.0.0.1:$port/ | awk '/Requests\/sec/ {print $2}')
      kill $pid; wait $pid 2>/dev/null || true
      echo "round $round, $name: $rps req/s"
      total[$name]=$(echo "${total[$name]:-0} + $rps" | bc -l)
    done
  done
  base=${total["no agent"]}
  echo
  echo "| configuration | mean req/s | ratio to no agent |"
  echo "|---|---|---|"
  for c in "${configs[@]}"; do
    name=${c%%|*}
    printf "| %s | %.0f | %.3f |\n" "$name" "$(echo "${total[$name]} / ${ROUNDS:-3}" | bc -l)" "$(echo "${total[$name]} / $base" | bc -l)"
  done
  rm -f "$faults"
fi
