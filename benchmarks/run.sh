#!/usr/bin/env bash
# Every figure in BENCHMARKS.md comes from this script (one part per section), run from the repo root after
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
  # OLD_AGENT=<another faultline-agent.jar> (e.g. built from an older commit) adds it to the same run, so the two
  # layouts are compared side by side against the same no-agent baseline.
  hello="-cp $BENCH dev.faultline.bench.HelloService --first-request"
  configs=("no agent|$JAVA $hello" "agent|$JAVA -javaagent:$AGENT=log.level=warn $hello")
  [[ -n ${OLD_AGENT:-} ]] && configs+=("previous agent|$JAVA -javaagent:$OLD_AGENT=log.level=warn $hello")
  # BYTEMAN=<byteman-4.0.24.jar> (mvn dependency:get -Dartifact=org.jboss.byteman:byteman:4.0.24) adds Byteman with no rules
  [[ -n ${BYTEMAN:-} ]] && configs+=("byteman, no rules|$JAVA -javaagent:$BYTEMAN $hello")
  # The configurations interleaved run by run (a busy machine's drift hits all of them alike) and paired: each
  # added figure is the median over runs of (configuration - the no-agent run of the same round). Wall time from
  # the shell's clock, CPU (user+sys) and peak RSS from GNU time.
  runs=${RUNS:-30}
  echo "## Start-up and peak RSS, $runs interleaved rounds"
  declare -A wall=() cpu=() rss=()
  for c in "${configs[@]}"; do ${c#*|} >/dev/null 2>&1 || true; done # warm the page cache
  for run in $(seq 1 "$runs"); do
    for c in "${configs[@]}"; do
      t0=$(date +%s%N)
      /usr/bin/time -o /tmp/faultline-time -f '%U %S %M' ${c#*|} >/dev/null 2>&1
      t1=$(date +%s%N)
      read -r u sy m < <(tail -1 /tmp/faultline-time)
      wall[${c%%|*},$run]=$(( (t1 - t0) / 1000000 )); cpu[${c%%|*},$run]=$(echo "($u + $sy) * 1000" | bc); rss[${c%%|*},$run]=$m
    done
  done
  median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
  added() { local -n a=$1; for run in $(seq 1 "$runs"); do echo "$(( ${a[$2,$run]%.*} - ${a[no agent,$run]%.*} ))"; done | median; }
  echo "| configuration | median wall [ms] | added wall [ms] | added CPU user+sys [ms] | median peak RSS [MiB] | added peak RSS [MiB] |"
  echo "|---|---|---|---|---|---|"
  for c in "${configs[@]}"; do
    n=${c%%|*}
    printf "| %s | %s | %+.0f | %+.0f | %.1f | %+.1f |\n" "$n" "$(for r in $(seq 1 "$runs"); do echo "${wall[$n,$r]}"; done | median)" \
      "$(added wall "$n")" "$(added cpu "$n")" "$(echo "$(for r in $(seq 1 "$runs"); do echo "${rss[$n,$r]}"; done | median) / 1024" | bc -l)" \
      "$(echo "$(added rss "$n") / 1024" | bc -l)"
  done
fi

if [[ $what == all || $what == firstadd ]]; then
  # Issue 23's floor: in fresh JVMs started with -javaagent (jmx.port, no auth), the time from the first
  # add("error on=connect port=P") over JMX to the first connect the target itself sees fail (that add() installs the
  # network hooks), and of a second add() after remove(). ROUNDS JVMs per agent and JDK, the agents interleaved and
  # rotated round by round; OLD_AGENT= another faultline-agent.jar side by side; JDK 17 ($JAVA) and JDK 25 ($JAVA25,
  # skipped with a line saying so when absent); TARGET_OPTS= more target options (e.g. -Xlog:class+load). Needs only
  # the agent jar (mvn -B -q -pl agent -am -DskipTests package): the driver is compiled here from one source file.
  JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
  classes=$(mktemp -d /tmp/faultline-firstadd.XXXXXX)
  "$(dirname "$(readlink -f "$(command -v "$JAVA")")")/javac" --release 17 -d "$classes" benchmarks/FirstAddBench.java
  agents=("agent=$PWD/$AGENT"); [[ -n ${OLD_AGENT:-} ]] && agents+=("previous agent=$(readlink -f "$OLD_AGENT")")
  javas=("$JAVA")
  if [[ -x $JAVA25 ]]; then javas+=("$JAVA25"); else echo "(JDK 25 skipped: no $JAVA25; set JAVA25=)"; fi
  for java in "${javas[@]}"; do
    echo "## First and second add() in fresh -javaagent JVMs: $("$java" -version 2>&1 | head -1), ${ROUNDS:-${ADD_RUNS:-10}} rounds"
    "$java" -cp "$classes" FirstAddBench driver "$java" "$classes" "${ROUNDS:-${ADD_RUNS:-10}}" "${agents[@]}"
  done
  rm -rf "$classes"
fi

if [[ $what == all || $what == controlplane ]]; then
  echo "## Control plane: connect + add() with and without authentication"
  $JAVA -cp "$BENCH" dev.faultline.bench.ControlPlaneBench "$AGENT" "${ROUNDS:-200}"
fi

if [[ $what == all || $what == method ]]; then
  echo "## Method faults (JMH, forks with -javaagent)"
  $JAVA -cp "$BENCH" dev.faultline.bench.method.BenchMain "$PWD/$AGENT" ${BENCH_REGEX:-}
fi

if [[ $what == all || $what == span-event ]]; then
  # issue 24: the faultline.fault span event per injection. Each run's JVM has OpenTelemetry on its class path or
  # not (the JMH forks inherit it): absent = none at all; sdk = the application's opentelemetry-sdk; agent = the
  # OpenTelemetry Java agent (with the application's opentelemetry-api, as services that use it have).
  echo "## Span event per injection (JMH, forks with -javaagent)"
  otel=benchmarks/target/otel-jars
  otel_cp=$(ls $otel/opentelemetry-{api,context,common,sdk-common,sdk-trace}-*.jar | tr '\n' ':')
  main="-Dforks=${FORKS:-1} -Diterations=${ITERATIONS:-5} dev.faultline.bench.method.SpanEventMain"
  # OLD_AGENT=<a faultline-agent.jar from before the bridge> adds the injected call with no listener at all
  [[ -n ${OLD_AGENT:-} ]] && { echo "(previous agent)"; $JAVA -cp "$BENCH" $main "$OLD_AGENT" absent 2>&1 | sed -n '/^Benchmark/,$p'; }
  $JAVA -cp "$BENCH" $main "$PWD/$AGENT" absent 2>&1 | sed -n '/^Benchmark/,$p'
  $JAVA -cp "$BENCH:$otel_cp" $main "$PWD/$AGENT" sdk 2>&1 | sed -n '/^Benchmark/,$p'
  $JAVA -cp "$BENCH:$otel_cp" $main "$PWD/$AGENT" agent "$PWD/$(ls $otel/opentelemetry-javaagent-*.jar)" 2>&1 | sed -n '/^Benchmark/,$p'
fi

if [[ $what == netns ]]; then   # not in "all": needs root, a Docker engine and .ci/images.sh
  echo "## Sidecar as a container: nsenter vs helper container"
  $JAVA -cp "$BENCH" dev.faultline.bench.NetnsPathBench "${ROUNDS:-10}" "${BEFORE_JAR:-}"
fi

if [[ $what == sidecar ]]; then   # not in "all": needs root and a Docker engine
  echo "## Sidecar"
  $JAVA -cp "$BENCH" dev.faultline.bench.SidecarBench sidecar/target/faultline-sidecar.jar "${ROUNDS:-10}"
fi

if [[ $what == daemon-rss ]]; then   # not in "all": needs root and a Docker engine
  echo "## Sidecar daemon: resident memory after start and after 1,000 experiments"
  echo "| JVM flags | idle after start | idle after 1,000 |"
  echo "|---|---|---|"
  jsa=sidecar/target/faultline-sidecar.jsa
  $JAVA -cp "$BENCH" dev.faultline.bench.DaemonRssBench sidecar/target/faultline-sidecar.jar 1000 -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1
  $JAVA -cp "$BENCH" dev.faultline.bench.DaemonRssBench sidecar/target/faultline-sidecar.jar 1000 -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 \
    -Xms8m -Xmx48m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=16m -XX:SharedArchiveFile=$jsa -Xlog:cds=off -Xlog:cds+dynamic=off
fi

if [[ $what == all || $what == load ]]; then
  # Service pinned to CPU 0, wrk to CPU 1, so the two do not steal each other's core; the three configurations
  # run back to back in each round and each is compared with the no-agent run of its own round (paired
  # ratios): the machine's drift between rounds cancels out, what is left is the spread shown.
  echo "## Whole-service load (wrk), interleaved rounds, paired ratios"
  faults=$(mktemp); echo "error on=read port=1 ttl=0" > "$faults"
  declare -A rps=()
  configs=("no agent|" "agent, nothing armed|-javaagent:$AGENT=log.level=warn" "agent, non-matching rule|-javaagent:$AGENT=log.level=warn,faults=$faults")
  rounds=${ROUNDS:-5}
  for round in $(seq 1 "$rounds"); do
    for c in $(rotated "$round"); do
      c=${configs[$c]}; name=${c%%|*}; opt=${c#*|}; port=$((18000 + RANDOM % 1000))
      taskset -c 0 $JAVA $opt -cp "$BENCH" dev.faultline.bench.HelloService $port > /tmp/faultline-svc.log 2>&1 &
      pid=$!
      for _ in $(seq 1 100); do grep -q READY /tmp/faultline-svc.log && break; sleep 0.1; done
      taskset -c 1 wrk -t1 -c16 -d"${WARMUP_SECONDS:-5}s" http://127.0.0.1:$port/ > /dev/null
      r=$(taskset -c 1 wrk -t1 -c16 -d"${SECONDS_PER_RUN:-10}s" http://127.0.0.1:$port/ | awk '/Requests\/sec/ {print $2}')
      kill $pid; wait $pid 2>/dev/null || true
      echo "round $round, $name: $r req/s"
      rps[$name,$round]=$r
    done
  done
  echo
  echo "| configuration | median req/s | median paired ratio to no agent | min–max ratio over $rounds rounds |"
  echo "|---|---|---|---|"
  for c in "${configs[@]}"; do
    name=${c%%|*}
    vals=$(for round in $(seq 1 "$rounds"); do echo "${rps[$name,$round]}"; done | sort -g)
    ratios=$(for round in $(seq 1 "$rounds"); do echo "${rps[$name,$round]} / ${rps[no agent,$round]}" | bc -l; done | sort -g)
    mid=$(( (rounds + 1) / 2 ))
    printf "| %s | %.0f | %.3f | %.3f–%.3f |\n" "$name" "$(echo "$vals" | sed -n ${mid}p)" "$(echo "$ratios" | sed -n ${mid}p)" \
      "$(echo "$ratios" | head -1)" "$(echo "$ratios" | tail -1)"
  done
  rm -f "$faults"
fi

# Netty (issue 22). Whole-process parts: the configurations run back to back in each round and each is divided by the
# no-agent run of its own round (paired ratios, as in "load"); "idle" is the hooks installed by a faults file whose
# only rule expires after 1 s, within the warm-up. Besides the throughput, the CPU time the process spent per call in
# the measured window: it does not count the waits for a core, so on a shared machine its ratio is the steadier one.
netty_configs() {
  idle=$(mktemp); echo "error on=read port=1 ttl=1s" > "$idle"
  other=$(mktemp); printf 'latency on=read port=1 delay=1s ttl=0\nlatency on=write port=1 delay=1s ttl=0\n' > "$other"
  configs=("no agent|" "agent idle (hooks installed, nothing armed)|-javaagent:$AGENT=log.level=warn,faults=$idle"
           "agent, rule for another port|-javaagent:$AGENT=log.level=warn,faults=$other")
  # OLD_AGENT=<another faultline-agent.jar> (e.g. built from an older commit) adds it, idle and with the rule for
  # another port, to the same interleaved rounds: a before/after of a change, paired against the same no-agent runs
  [[ -n ${OLD_AGENT:-} ]] && configs+=("previous agent idle|-javaagent:$OLD_AGENT=log.level=warn,faults=$idle"
                                       "previous agent, rule for another port|-javaagent:$OLD_AGENT=log.level=warn,faults=$other")
  return 0
}
# rotated ROUND: the indexes of configs, started one further each round, so no configuration always runs first
# (a JVM run right after another, or at the same point of a periodic load, is not always the same one)
rotated() {
  local n=${#configs[@]} i
  for i in $(seq 0 $((n - 1))); do echo $(( (i + $1 - 1) % n )); done
}
# netty_table RATE-UNIT CALL: the table of rate[config,round] and cpu[config,round] (rounds, configs set by the caller)
netty_table() {
  netty_median() { sort -g | sed -n "$(( (rounds + 1) / 2 ))p"; }
  echo
  echo "| configuration | median $1 | paired ratio to no agent, median (min–max) | median CPU µs/$2 | paired CPU ratio, median (min–max) |"
  echo "|---|---|---|---|---|"
  for c in "${configs[@]}"; do
    local n=${c%%|*} r
    local rates cpus
    rates=$(for r in $(seq 1 "$rounds"); do echo "${rate[$n,$r]} / ${rate[no agent,$r]}" | bc -l; done | sort -g)
    cpus=$(for r in $(seq 1 "$rounds"); do echo "${cpu[$n,$r]} / ${cpu[no agent,$r]}" | bc -l; done | sort -g)
    printf "| %s | %.0f | %.3f (%.3f–%.3f) | %.2f | %.3f (%.3f–%.3f) |\n" "$n" \
      "$(for r in $(seq 1 "$rounds"); do echo "${rate[$n,$r]}"; done | netty_median)" \
      "$(echo "$rates" | netty_median)" "$(echo "$rates" | head -1)" "$(echo "$rates" | tail -1)" \
      "$(for r in $(seq 1 "$rounds"); do echo "${cpu[$n,$r]}"; done | netty_median)" \
      "$(echo "$cpus" | netty_median)" "$(echo "$cpus" | head -1)" "$(echo "$cpus" | tail -1)"
  done
}

if [[ $what == all || $what == netty-hooks ]]; then
  echo "## Netty: cost per read/write (JMH, NettyIoBenchmark), ${ROUNDS:-3} interleaved rounds"
  # OLD_AGENT=<another faultline-agent.jar> adds it, nothing armed and with the rule for another port, to the same run; BENCH_CALLS=fireRead
  # (a regex of NettyIoBenchmark's methods) runs only those; BENCH_CONFIGS='nothing armed' (a regex of the
  # configurations' names) runs only those beside no agent; PIN_CPU=1 runs every fork on that CPU alone (taskset), for a
  # machine where other work can be kept to the other CPU
  echo "(load average $(cut -d' ' -f1-3 /proc/loadavg)${PIN_CPU:+, pinned to CPU $PIN_CPU})"
  ${PIN_CPU:+taskset -c $PIN_CPU} $JAVA -cp "$BENCH" dev.faultline.bench.netty.NettyHookCostRunner "$AGENT" "${ROUNDS:-3}" "${ITERATIONS:-3}" "${WARMUPS:-3}" ${OLD_AGENT:-} 2>&1 \
    | sed -n '/^| call/,$p'
fi

if [[ $what == all || $what == netty-grpc ]]; then
  # two JVMs on grpc-netty-shaded (epoll): the gRPC server pinned to CPU 0, the client calling a unary echo in a
  # loop pinned to CPU 1 (in one JVM on 2 cores the two sides stole each other's core: round spread 0.77-1.18);
  # both carry the configuration's agent (AGENT_ON=server: the server only). "agent, no hooks" is the agent loaded
  # without a faults file (Byte Buddy and the hooks wait for a first add()): it tells the agent's presence from its
  # hooks. The client warms up until the JIT is quiet in both JVMs, then measures calls/s, and the server's CPU per
  # call from /proc (its threads but the JIT's and the GC's, as netty-http), the steadier figure on a shared machine;
  # each line also gives the JIT's compilation time within the measured window in each JVM. JVM_OPTS= adds flags to
  # every JVM (e.g. -XX:TieredStopAtLevel=1).
  netty_configs; configs=("${configs[0]}" "agent, no hooks (no faults file)|-javaagent:$AGENT=log.level=warn" "${configs[@]:1}")
  rounds=${ROUNDS:-5}; declare -A rate=() cpu=()
  svc_log=$(mktemp); svc_in=$(mktemp -u); mkfifo "$svc_in"
  echo "## Netty: gRPC unary loop (grpc-netty-shaded, epoll), server and client in two JVMs pinned to CPU 0 and 1, $rounds interleaved rounds, paired ratios"
  echo "(warm-up ${WARMUP_SECONDS:-5}–${MAX_WARMUP_SECONDS:-60} s, until the JIT is quiet; measured ${SECONDS_PER_RUN:-10} s, AGENT_ON=${AGENT_ON:-both}, JVM_OPTS='${JVM_OPTS:-}', load average $(cut -d' ' -f1-3 /proc/loadavg))"
  for round in $(seq 1 "$rounds"); do
    for c in $(rotated "$round"); do
      c=${configs[$c]}; name=${c%%|*}; opt=${c#*|}; client_opt=$opt
      [[ ${AGENT_ON:-both} == server ]] && client_opt=
      : > "$svc_log"
      # the server serves until its standard input ends: the fifo, held open by fd 7 until it is closed below
      taskset -c 0 $JAVA ${JVM_OPTS:-} $opt -cp "$BENCH" dev.faultline.bench.netty.GrpcUnaryLoop server < "$svc_in" > "$svc_log" 2>&1 &
      pid=$!
      exec 7<> "$svc_in" # read-write: never blocks, whether or not the server has opened it yet
      for _ in $(seq 1 600); do grep -q READY "$svc_log" && break; sleep 0.1; done
      grep -q 'READY.*transport=epoll' "$svc_log" \
        || { echo "$name: the gRPC server did not report epoll within 60 s:"; cat "$svc_log"; exec 7>&-; kill $pid; exit 1; }
      port=$(awk '/^READY [0-9]+ / {print $2; exit}' "$svc_log")
      out=$(taskset -c 1 $JAVA ${JVM_OPTS:-} $client_opt -cp "$BENCH" dev.faultline.bench.netty.GrpcUnaryLoop client "$port" "$pid" \
        "$(getconf CLK_TCK)" "${WARMUP_SECONDS:-5}" "${SECONDS_PER_RUN:-10}" "${CLIENT_THREADS:-4}" "${MAX_WARMUP_SECONDS:-60}" 2>&1 | grep '^calls/s') \
        || { echo "$name: the client failed"; cat "$svc_log"; exec 7>&-; kill $pid; exit 1; }
      exec 7>&-
      # ends by itself once its input is closed; killed if it has not within 10 s
      for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
      kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
      rate[$name,$round]=$(echo "$out" | awk '{print $2}'); cpu[$name,$round]=$(echo "$out" | awk '{print $4}')
      echo "round $round, $name: $out (load $(cut -d' ' -f1 /proc/loadavg))"
    done
  done
  netty_table calls/s call
  echo "(CPU: the server's, per call; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  rm -f "$idle" "$other" "$svc_log" "$svc_in"
fi

if [[ $what == all || $what == netty-http ]]; then
  # Reactor Netty HTTP server (epoll) pinned to CPU 0, wrk pinned to CPU 1, as in "load"; the CPU time of the
  # server's threads but the JIT compiler's and the GC's (utime + stime from /proc, clock ticks) over the measured wrk
  # run, per request
  netty_configs; rounds=${ROUNDS:-5}; declare -A rate=() cpu=()
  svc_log=$(mktemp) # its own: other parts (and other users of the machine) start servers at the same time
  tick_us=$(( 1000000 / $(getconf CLK_TCK) ))
  ticks() {
    for t in /proc/$1/task/*; do grep -qE '^(C[12] CompilerThre|GC Thread|G1 )' "$t/comm" || cat "$t/stat"; done \
      | sed 's/.*) //' | awk '{sum += $12 + $13} END {print sum}'
  }
  echo "## Netty: Reactor Netty HTTP server (epoll) under wrk, $rounds interleaved rounds, paired ratios"
  echo "(warm-up ${WARMUP_SECONDS:-5} s, measured ${SECONDS_PER_RUN:-10} s, OLD_AGENT='${OLD_AGENT:-}', load average $(cut -d' ' -f1-3 /proc/loadavg))"
  for round in $(seq 1 "$rounds"); do
    for c in $(rotated "$round"); do
      c=${configs[$c]}; name=${c%%|*}; opt=${c#*|}
      # port 0: the server binds a free port and names it (a fixed or random one may be another user's)
      : > "$svc_log"
      taskset -c 0 $JAVA $opt -cp "$BENCH" dev.faultline.bench.netty.ReactorHelloServer 0 > "$svc_log" 2>&1 &
      pid=$!
      # up to 60 s: on a loaded machine a JVM with the agent and a faults file took more than 10 s to bind
      for _ in $(seq 1 600); do grep -q READY "$svc_log" && break; sleep 0.1; done
      grep -q 'READY.*transport=epoll' "$svc_log" \
        || { echo "$name: the server did not report an epoll channel bound within 60 s:"; cat "$svc_log"; kill $pid; exit 1; }
      port=$(awk '/^READY [0-9]+ / {print $2; exit}' "$svc_log")
      taskset -c 1 wrk -t1 -c16 -d"${WARMUP_SECONDS:-5}s" http://127.0.0.1:$port/ > /dev/null \
        || { echo "$name: wrk failed:"; cat "$svc_log"; kill $pid; exit 1; }
      t0=$(ticks $pid)
      out=$(taskset -c 1 wrk -t1 -c16 -d"${SECONDS_PER_RUN:-10}s" http://127.0.0.1:$port/) \
        || { echo "$name: wrk failed:"; cat "$svc_log"; kill $pid; exit 1; }
      t1=$(ticks $pid)
      kill $pid; wait $pid 2>/dev/null || true
      rate[$name,$round]=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
      requests=$(echo "$out" | awk '/requests in/ {print $1}')
      cpu[$name,$round]=$(echo "($t1 - $t0) * $tick_us / $requests" | bc -l)
      printf "round %s, %s: %s req/s, %.2f CPU µs/request (load %s)\n" "$round" "$name" "${rate[$name,$round]}" \
        "${cpu[$name,$round]}" "$(cut -d' ' -f1 /proc/loadavg)"
    done
  done
  netty_table req/s request
  echo "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
  rm -f "$idle" "$other" "$svc_log"
fi

# HTTP protocol hooks (issue 24): the request path of real servers under wrk and real clients in a loop, in three
# configurations side by side as for Netty: no agent; idle, the protocol hooks installed by a faults file whose two
# rules (one per side) expire 1 s after the agent starts, before the warm-up (an expired rule is disarmed; the hooks
# stay); a rule for another path on each side, which every request is tested against. Paired ratios per round;
# CPU per call beside the rate (the machine is shared).
protocol_configs() {
  idle=$(mktemp); printf 'error on=http-server path=/never status=503 ttl=1s\nerror on=http-client path=/never status=503 ttl=1s\n' > "$idle"
  other=$(mktemp)
  printf 'error on=http-server path=/other/* status=503 ttl=0\nerror on=http-client path=/other/* status=503 ttl=0\n' > "$other"
  configs=("no agent|" "agent idle (hooks installed, nothing armed)|-javaagent:$AGENT=log.level=warn,faults=$idle"
           "agent, rule for another path|-javaagent:$AGENT=log.level=warn,faults=$other")
}
# ready_port LOG PID: the port from the server's READY line, waiting up to 60 s for it (a JVM with the agent took
# > 10 s on a loaded machine). The servers bind a free port and have logs of their own: other users of this machine
# run the other parts (their /tmp/faultline-svc.log, their ports) at the same time.
# The caller empties LOG before it starts the server: the server's own shell truncates it only once it runs.
ready_port() {
  local p
  for _ in $(seq 1 600); do
    p=$(awk '/^READY [0-9]+ / {print $2; exit}' "$1"); [[ -n $p ]] && { echo "$p"; return 0; }; sleep 0.1
  done
  echo "the server did not report READY within 60 s:" >&2; cat "$1" >&2; kill "$2"; exit 1
}

if [[ $what == all || $what == http-server ]]; then
  # the JDK HttpServer and an embedded Tomcat 11 (one servlet), each pinned to CPU 0 under wrk pinned to CPU 1, on
  # GET / (the rule's path is /other/*); the server's CPU time (utime + stime of its threads but the JIT compiler's
  # and the GC's, from /proc) over the measured wrk run, per request
  protocol_configs; rounds=${ROUNDS:-5}; svc_log=$(mktemp)
  tick_us=$(( 1000000 / $(getconf CLK_TCK) ))
  server_ticks() {
    for t in /proc/$1/task/*; do grep -qE '^(C[12] CompilerThre|GC Thread|G1 )' "$t/comm" || cat "$t/stat"; done \
      | sed 's/.*) //' | awk '{sum += $12 + $13} END {print sum}'
  }
  for server in ${SERVERS:-jdk tomcat}; do
    declare -A rate=() cpu=()
    echo "## HTTP server: $server under wrk, $rounds interleaved rounds, paired ratios ($(uptime | sed 's/.*load/load/'))"
    for round in $(seq 1 "$rounds"); do
      for c in $(rotated "$round"); do
        c=${configs[$c]}; name=${c%%|*}; opt=${c#*|}
        : > "$svc_log"
        taskset -c 0 $JAVA $opt -cp "$BENCH" dev.faultline.bench.protocol.HelloHttpServer "$server" 0 > "$svc_log" 2>&1 &
        pid=$!
        port=$(ready_port "$svc_log" $pid)
        taskset -c 1 wrk -t1 -c16 -d"${WARMUP_SECONDS:-5}s" http://127.0.0.1:$port/ > /dev/null || { kill $pid; exit 1; }
        t0=$(server_ticks $pid)
        out=$(taskset -c 1 wrk -t1 -c16 -d"${SECONDS_PER_RUN:-10}s" http://127.0.0.1:$port/) || { kill $pid; exit 1; }
        t1=$(server_ticks $pid)
        kill $pid; wait $pid 2>/dev/null || true
        # every answer must be the handler's own 200: a non-2xx count means the agent answered (or the server failed)
        if echo "$out" | grep -q 'Non-2xx'; then echo "$name: answers other than 200:"; echo "$out"; exit 1; fi
        rate[$name,$round]=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
        requests=$(echo "$out" | awk '/requests in/ {print $1}')
        cpu[$name,$round]=$(echo "($t1 - $t0) * $tick_us / $requests" | bc -l)
        printf "round %s, %s: %s req/s, %.2f CPU µs/request\n" "$round" "$name" "${rate[$name,$round]}" "${cpu[$name,$round]}"
      done
    done
    netty_table req/s request
    echo "($(uptime | sed 's/.*load/load/'))"
  done
  rm -f "$idle" "$other" "$svc_log"
fi

if [[ $what == all || $what == http-client ]]; then
  # the JDK HttpClient (HTTP/1.1) and OkHttp, CLIENT_THREADS threads calling GET / in a loop, pinned to CPU 1, against
  # one JDK HttpServer without the agent pinned to CPU 0 for the whole part; the client's CPU (its Java threads, JMX)
  # per call in the measured window
  protocol_configs; rounds=${ROUNDS:-5}; peer_log=$(mktemp)
  taskset -c 0 $JAVA -cp "$BENCH" dev.faultline.bench.protocol.HelloHttpServer jdk 0 > "$peer_log" 2>&1 &
  peer=$!
  port=$(ready_port "$peer_log" $peer)
  for client in ${CLIENTS:-jdk okhttp}; do
    declare -A rate=() cpu=()
    echo "## HTTP client: $client in a loop, $rounds interleaved rounds, paired ratios ($(uptime | sed 's/.*load/load/'))"
    for round in $(seq 1 "$rounds"); do
      for c in $(rotated "$round"); do
        c=${configs[$c]}; name=${c%%|*}; opt=${c#*|}
        out=$(taskset -c 1 $JAVA $opt -cp "$BENCH" dev.faultline.bench.protocol.HttpClientLoop "$client" http://127.0.0.1:$port/ \
          "${WARMUP_SECONDS:-5}" "${SECONDS_PER_RUN:-10}" "${CLIENT_THREADS:-4}" 2>&1 | grep '^calls/s') \
          || { echo "$name: the client loop failed"; kill $peer; exit 1; }
        rate[$name,$round]=$(echo "$out" | awk '{print $2}'); cpu[$name,$round]=$(echo "$out" | awk '{print $4}')
        echo "round $round, $name: $out"
      done
    done
    netty_table calls/s call
    echo "($(uptime | sed 's/.*load/load/'))"
  done
  kill $peer; wait $peer 2>/dev/null || true
  rm -f "$idle" "$other" "$peer_log"
fi
