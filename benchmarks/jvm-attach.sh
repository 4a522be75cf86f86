#!/usr/bin/env bash
# Issue 23: from arming a fault to the first failed call the target itself sees, four ways side by side, each round in
# fresh containers, the paths interleaved (rotated each round):
#   cli    `bin/faultline-sidecar jvm --duration 30s fault "error on=connect port=P" C` on a cold JVM (no agent
#          loaded): the shipped launcher (C1, serial GC, the build's CDS archive)
#   cli-jar the same with plain `java -jar faultline-sidecar.jar`
#   daemon the same fault through a long-lived daemon's run() (JMX), on a cold JVM: what a DaemonSet pays, without
#          a sidecar process start (taken from the loaded path's first fault, in its fresh container)
#   loaded the same fault through the daemon's run(), in a JVM the daemon attached before (its first fault stopped)
#   floor  the agent's own add() over its JMX, in a JVM started with -javaagent (connection open beforehand): the
#          JVM's first fault (it installs the network hooks) and, after remove(), a second one (floor2)
#   jdk    the naive way: `java -jar faultline-agent.jar attach PID faults=FILE` (the JDK attach API) on the host
# plus the target's added VmRSS after the attach (cli, jdk). The target is SelfCallingService in the shell-less
# FROM-scratch JRE image (uid 4321): it connects to itself every 20 ms and prints a line when the outcome changes;
# docker's log timestamp of its first error line is the end, the host's wall clock before the command the start.
# Run as root from the repo root after
#   mvn -B -q -pl sidecar -am -DskipTests package && bash .ci/images.sh
# ROUNDS= (default 10), IMAGE= (default faultline/jre17-scratch:local). Prints markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}
SIDECAR=$PWD/sidecar/target/faultline-sidecar.jar
AGENT=$PWD/sidecar/target/faultline-agent.jar
CLASSES=$PWD/sidecar/target/test-classes
IMAGE=${IMAGE:-faultline/jre17-scratch:local}
ROUNDS=${ROUNDS:-10}
SERVICE=dev.faultline.sidecar.jvmcontrol.SelfCallingService
run=fljb$$
work=$(mktemp -d /tmp/faultline-jvmbench.XXXXXX)
chmod 755 "$work" # the target (uid 4321) reads the faults file of the jdk path
export FAULTLINE_JOURNAL=$work/journal/journal
daemon_pid=''

cleanup() {
  set +e
  [[ -n ${client_pid:-} ]] && kill "$client_pid" 2> /dev/null
  [[ -n $daemon_pid ]] && { kill "$daemon_pid" 2> /dev/null; wait "$daemon_pid" 2> /dev/null; }
  docker ps -aq --filter "label=dev.faultline.bench=$run" | xargs -r docker rm -f > /dev/null
  rm -rf "$work"
}
trap cleanup EXIT

for f in "$SIDECAR" "$AGENT" "$CLASSES/${SERVICE//.//}.class"; do
  [[ -e $f ]] || { echo "missing $f: mvn -B -q -pl sidecar -am -DskipTests package" >&2; exit 1; }
done
docker image inspect "$IMAGE" > /dev/null 2>&1 || { echo "missing $IMAGE: bash .ci/images.sh builds it" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start NAME PORT [JVM OPTIONS…]: the service in a fresh container (host network: the floor's agent JMX port on
# loopback; the same for every path), once it has printed its first "EVENT ok"
start() {
  local name=$1 port=$2; shift 2
  docker run -d --name "$name" --label "dev.faultline.bench=$run" --network host -v "$CLASSES:/app:ro" \
    -v "$(dirname "$AGENT"):$(dirname "$AGENT"):ro" -v "$work:$work:ro" \
    "$IMAGE" java "$@" -cp /app "$SERVICE" "$port" > /dev/null
  await "$name" 0 'EVENT ok' 60 > /dev/null
}
lines() { docker logs -t "$1" 2> /dev/null | wc -l; }
# await NAME FROM PATTERN SECONDS: the epoch ns of the first stdout line after line FROM matching PATTERN
await() {
  local deadline=$((SECONDS + $4)) hit
  while ((SECONDS < deadline)); do
    hit=$(docker logs -t "$1" 2> /dev/null | tail -n +"$(($2 + 1))" | grep -m1 " $3" || true)
    [[ -n $hit ]] && { date -d "${hit%% *}" +%s%N; return; }
    sleep 0.05
  done
  echo "no '$3' in $1 within $4 s:" >&2; docker logs "$1" >&2; return 1
}
host_pid() { docker inspect -f '{{.State.Pid}}' "$1"; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# the added RSS: VmRSS 2 s after the first failure, less VmRSS before the attach
settled_rss() { sleep 2; echo $(($(rss_kib "$1") - $2)); }

# the daemon (own password and access file: role attach) and one JMX client for the loaded and floor paths
printf 'bench %s\n' "$(openssl rand -hex 16)" > "$work/jmx.password"; chmod 600 "$work/jmx.password"
echo 'bench attach' > "$work/jmx.access"
dport=$(free_port)
$JAVA -jar "$SIDECAR" --runtime docker daemon --jmx-port "$dport" --jmx-password-file "$work/jmx.password" \
  --jmx-access-file "$work/jmx.access" > "$work/daemon.log" 2>&1 &
daemon_pid=$!
coproc CLIENT { $JAVA "$PWD/benchmarks/JvmBenchClient.java"; }
client_pid=$CLIENT_PID
call() { echo "$1" >&"${CLIENT[1]}"; read -r reply <&"${CLIENT[0]}"; [[ $reply != 0\ * ]] || { echo "$1: $reply" >&2; return 1; }; }
for _ in $(seq 1 60); do
  call "connect $dport bench $(awk '{print $2}' "$work/jmx.password")" 2> /dev/null && break; sleep 1
done
[[ $reply == *connected ]] || { echo "daemon not reachable: $(cat "$work/daemon.log")" >&2; exit 1; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A ms=() rss=()
paths=(cli cli-jar loaded floor jdk)
n=0
for round in $(seq 1 "$ROUNDS"); do
  for i in 0 1 2 3 4; do
    p=${paths[$(((i + round - 1) % 5))]}; n=$((n + 1)); name=$run-$p-$n; port=$(free_port); spec="error on=connect port=$port"
    case $p in
      cli | cli-jar)
        start "$name" "$port"; pid=$(host_pid "$name"); before=$(rss_kib "$pid"); from=$(lines "$name")
        launcher=(bin/faultline-sidecar); [[ $p == cli-jar ]] && launcher=("$JAVA" -jar "$SIDECAR")
        t0=$(date +%s%N)
        "${launcher[@]}" --runtime docker jvm --duration 30s fault "$spec" "$name" > "$work/cli.log" 2>&1 &
        cli=$!
        t1=$(await "$name" "$from" 'EVENT error' 30)
        rss[$p,$round]=$(settled_rss "$pid" "$before")
        kill "$cli"; wait "$cli" || true # SIGTERM: the CLI clears what it armed
        ;;
      loaded)
        start "$name" "$port"; from=$(lines "$name")
        call "run jvm --duration 30s fault \"$spec\" $name"; t0=${reply%% *}; id=${reply#* }
        ms[daemon,$round]=$((($(await "$name" "$from" 'EVENT error' 30) - t0) / 1000000))
        from=$(lines "$name"); call "stop $id"; await "$name" "$from" 'EVENT ok' 30 > /dev/null
        from=$(lines "$name")
        call "run jvm --duration 30s fault \"$spec\" $name"; t0=${reply%% *}; id=${reply#* }
        t1=$(await "$name" "$from" 'EVENT error' 30)
        call "stop $id"
        ;;
      floor)
        jport=$(free_port)
        start "$name" "$port" "-javaagent:$AGENT=jmx.port=$jport,jmx.auth=none,log.level=warn"
        for _ in $(seq 1 50); do call "connect $jport - -" 2> /dev/null && break; sleep 0.2; done
        [[ $reply == *connected ]] || { echo "agent JMX not reachable: $reply $(docker logs "$name" 2>&1)" >&2; exit 1; }
        from=$(lines "$name")
        call "add $spec ttl=30s"; t0=${reply%% *}; id=${reply#* }
        t1=$(await "$name" "$from" 'EVENT error' 30)
        # the second fault in that JVM (hooks installed by the first): the floor of the loaded path
        from=$(lines "$name"); call "remove $id"; await "$name" "$from" 'EVENT ok' 30 > /dev/null
        from=$(lines "$name"); call "add $spec ttl=30s"; t0b=${reply%% *}
        ms[floor2,$round]=$((($(await "$name" "$from" 'EVENT error' 30) - t0b) / 1000000))
        call "connect $dport bench $(awk '{print $2}' "$work/jmx.password")"
        ;;
      jdk)
        echo "$spec ttl=30s" > "$work/faults-$n"; chmod 644 "$work/faults-$n"
        start "$name" "$port"; pid=$(host_pid "$name"); before=$(rss_kib "$pid"); from=$(lines "$name")
        t0=$(date +%s%N)
        $JAVA -jar "$AGENT" attach "$pid" "faults=$work/faults-$n,log.level=warn" > "$work/jdk.log" 2>&1 \
          || { echo "jdk attach failed: $(cat "$work/jdk.log")" >&2; exit 1; }
        t1=$(await "$name" "$from" 'EVENT error' 30)
        rss[jdk,$round]=$(settled_rss "$pid" "$before")
        ;;
    esac
    ms[$p,$round]=$(((t1 - t0) / 1000000))
    echo "round $round, $p: $((ms[$p,$round])) ms${rss[$p,$round]:+, +$((rss[$p,$round] / 1024)) MiB RSS}$([[ $p == floor ]] && echo " (floor2 ${ms[floor2,$round]} ms)")$([[ $p == loaded ]] && echo " (its first fault, daemon: ${ms[daemon,$round]} ms)")" >&2
    docker rm -f "$name" > /dev/null
  done
done

# nearest-rank percentiles over the rounds
pct() { sort -g | awk -v q="$1" '{v[NR]=$1} END {i=int((NR*q)+0.999999); if (i<1) i=1; print v[i]}'; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
col() { for r in $(seq 1 "$ROUNDS"); do echo "${ms[$1,$r]}"; done; }
echo "## JVM in a container: arming to the first failed call, $ROUNDS rounds, $IMAGE, $($JAVA -version 2>&1 | head -1) on the host (load average $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
echo "| path | median [ms] | p90 [ms] | min–max [ms] | added VmRSS, median (min–max) [MiB] |"
echo "|---|---|---|---|---|"
for p in cli cli-jar daemon loaded floor floor2 jdk; do
  r=—
  if [[ -n ${rss[$p,1]:-} ]]; then
    k=$(for x in $(seq 1 "$ROUNDS"); do echo "${rss[$p,$x]}"; done)
    r=$(printf '%.1f (%.1f–%.1f)' "$(echo "$(echo "$k" | median) / 1024" | bc -l)" \
      "$(echo "$(echo "$k" | sort -g | head -1) / 1024" | bc -l)" "$(echo "$(echo "$k" | sort -g | tail -1) / 1024" | bc -l)")
  fi
  printf '| %s | %s | %s | %s–%s | %s |\n' "$p" "$(col "$p" | median)" "$(col "$p" | pct 0.9)" \
    "$(col "$p" | sort -g | head -1)" "$(col "$p" | sort -g | tail -1)" "$r"
done
