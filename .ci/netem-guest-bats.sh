#!/usr/bin/env bash
# The Pumba bats cases this machine's kernel cannot run (SKIPPED.tsv's `no-netem`: no sch_netem; `no-dummy`: no dummy
# network driver), run in the netem guest (.ci/netem-vm.sh: User-mode Linux 6.1 by default, or QEMU with Debian's
# stock kernel; both have them) with a container engine of its own: this host's dockerd (and its containerd, for the containerd files) and, for the podman files,
# Podman's API service, each with its store on a tmpfs of the guest. The images come from this host's Docker
# (`docker save`, loaded in the guest); nothing in the guest touches the host's engines, and everything it starts dies
# with it. Only those cases run (bats --filter), through .ci/pumba-bats.sh as on the host. Needs the built jar (mvn -B
# -pl sidecar -am package -DskipTests) and the local images (.ci/images.sh).
#
#   .ci/netem-guest-bats.sh                                     every no-netem/no-dummy case
#   .ci/netem-guest-bats.sh netem.bats podman_netem.bats        those files' no-netem/no-dummy cases
#   PUMBA_BATS_GUEST_CASES='cell options' .ci/netem-guest-bats.sh  of those, the ones whose name matches (a regex)
#   .ci/netem-guest-bats.sh --start-times                       no bats: times one sidecar run (a kill that finds
#                                                               nothing) per JVM variant, ROUNDS (3) rounds in turn
#
# Guests: under UML the files are split among PUMBA_BATS_GUEST_SHARDS guests run side by side (default nproc: a UML
# guest has one CPU), each file whole; under QEMU one guest (it takes every core).
# Reports: sidecar/target/pumba-bats-guest/ or PUMBA_BATS_GUEST_OUT (suite.tap, summary.md; per guest, guest-N/ when
# there are several: report.xml, guest.log, the engines' logs, pumba-bats/ written as the cases run; start-times.tsv
# and start-times.md for --start-times).
# Deadlines: a guest is powered off after FAULTLINE_VM_TIMEOUT s (default 1800); bats inside stops itself after
# PUMBA_BATS_DEADLINE s (default: the guest's less 300 s for boot, engines and images) and each case after
# PUMBA_BATS_TEST_TIMEOUT s (200 under UML, 400 under QEMU).
set -euo pipefail
{ # read whole before it runs: an edit made during a run (it takes many minutes) cannot change it
cd "$(dirname "$0")/.."
root=$PWD
suite=$root/sidecar/src/test/bats/pumba
out=${PUMBA_BATS_GUEST_OUT:-$root/sidecar/target/pumba-bats-guest}

# the SKIPPED.tsv cases a kernel with sch_netem and the dummy driver runs: "file<TAB>test" lines, of the chosen files
# (and of those, the ones whose name matches PUMBA_BATS_GUEST_CASES, a regex, when set: to run a few again)
listed() {
  awk -F '\t' -v files="$*" -v cases="${PUMBA_BATS_GUEST_CASES:-}" '
    BEGIN { n = split(files, f, " "); for (i = 1; i <= n; i++) chosen[f[i]] = 1 }
    NR > 1 && ($3 == "no-netem" || $3 == "no-dummy") && (n == 0 || $1 in chosen) && (cases == "" || $2 ~ cases) { print $1 "\t" $2 }' \
    "$suite/SKIPPED.tsv"
}

jdk25=/usr/lib/jvm/temurin-25-jdk-amd64
jar=$root/sidecar/target/faultline-sidecar.jar

if [ "${1:-}" != --in-guest ]; then
  [ -s sidecar/target/faultline-sidecar.jar ] || { echo "netem-guest-bats: build first: mvn -B -pl sidecar -am package -DskipTests" >&2; exit 2; }
  mode=bats
  [ "${1:-}" != --start-times ] || { mode=start-times; shift; }
  files=()
  for f in "$@"; do files+=("$(basename "$f")"); done
  if [ "$mode" = bats ]; then
    command -v bats >/dev/null || { echo "netem-guest-bats: no bats (Debian: bats bats-support bats-assert; .ci/install.sh)" >&2; exit 2; }
    [ -n "$(listed "${files[@]}")" ] || { echo "netem-guest-bats: SKIPPED.tsv lists no no-netem/no-dummy case in ${files[*]}" >&2; exit 2; }
  fi
  if [ -n "${PUMBA_BATS_GUEST_OUT:-}" ]; then   # not removed: it must be new or empty
    [ ! -e "$out" ] || [ -z "$(ls -A "$out")" ] || { echo "netem-guest-bats: PUMBA_BATS_GUEST_OUT=$out is not empty" >&2; exit 2; }
  else rm -rf "$out"; fi
  mkdir -p "$out"
  start=$(date +%s)
  backend=$(.ci/netem-vm.sh --which)   # uml or qemu (FAULTLINE_VM_BACKEND)
  if [ "$mode" = start-times ]; then
    # JDK 25's AOT cache (JEP 483/515), trained here on the build's own training command: the guest runs this
    # host's JDK binaries and jar (same paths, sizes and times), which is what the cache is checked against
    # without the cache's machine code (its call adapters): made for this host's CPU, they died of SIGILL on the
    # guest's plain x86-64 CPU
    if [ -x "$jdk25/bin/java" ]; then
      FAULTLINE_JOURNAL=$out/aot-training/journal "$jdk25/bin/java" -XX:AOTCacheOutput="$out/sidecar-25.aot" \
        -XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching -XX:-AOTStubCaching \
        -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:aot=warning -jar "$jar" --dry-run kill 're2:^faultline-cds-no-such-container$' \
        >"$out/aot-training.log" 2>&1 || true
      [ -s "$out/sidecar-25.aot" ] || { echo "netem-guest-bats: no AOT cache made:" >&2; tail -20 "$out/aot-training.log" >&2; }
    fi
  fi
  if [ "$mode" = start-times ]; then
    # JDK 17's archived heap (the module graph, java.lang's) needs G1, at the dump and at the start: the build's
    # archive is dumped with the serial GC, as the launcher runs
    FAULTLINE_JOURNAL=$out/aot-training/journal java -XX:ArchiveClassesAtExit="$out/sidecar-g1.jsa" -XX:TieredStopAtLevel=1 \
      -XX:+UseG1GC -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$jar" --dry-run kill 're2:^faultline-cds-no-such-container$' \
      >"$out/g1-training.log" 2>&1 || true
  fi
  if [ "$mode" = start-times ]; then
    : > "$out/images.tar"   # a kill that finds nothing needs no image
  else
    # the images the cases use, from this host's Docker: the targets (pumba-alpine, busybox); .ci/pumba-bats.sh
    # wants stress-ng's (35 MB) only for the stress files, which need nothing the host lacks
    images=(faultline/pumba-alpine:local faultline/busybox:local)
    docker image inspect faultline/busybox:local >/dev/null 2>&1 || .ci/images.sh >/dev/null
    # the alpine stand-in, made as .ci/pumba-bats.sh makes it when that has not run on this host yet
    if ! docker image inspect faultline/pumba-alpine:local >/dev/null 2>&1; then
      printf 'FROM faultline/busybox:local\nRUN mkdir -p -m 1777 /tmp\n' | docker build -q -t faultline/pumba-alpine:local - >/dev/null
    fi
    docker save "${images[@]}" > "$out/images.tar"
    # the containerd and podman files' stand-in for faultline/jre-base:local (in the guest, below), made here of
    # this host's files: in the guest the copies and ldd calls took ~40 s
    # (its iptables the guest's: nft on QEMU's Debian kernel, legacy on UML's, which has no nf_tables for IPv4)
    xt=/usr/sbin/xtables-nft-multi; [ "$backend" != uml ] || xt=/usr/sbin/xtables-legacy-multi
    if listed "${files[@]}" | cut -f1 | grep -q -E '^(containerd|podman)_'; then
      img=$(mktemp -d)
      install -D /bin/busybox "$img/bin/busybox"
      for a in $("$img/bin/busybox" --list); do [ -e "$img/bin/$a" ] || ln -s busybox "$img/bin/$a"; done
      for b in /usr/bin/ip /usr/sbin/tc "$xt"; do install -D "$b" "$img$b"; done
      ln -sf /usr/bin/ip "$img/bin/ip"; ln -sf /usr/sbin/tc "$img/bin/tc"
      for b in iptables-save iptables-restore ip6tables; do ln -sf "$xt" "$img/usr/sbin/$b"; ln -sf "$xt" "$img/bin/$b"; done
      # `iptables`: Debian 12's 1.8.9 prints the prot column of a listing as a number under -n (1, not icmp), where
      # other versions (Pumba's CI's image's) print the name, which a containerd_combined case matches: its listings
      # with the names of tcp, udp and icmp, as test_helper's assert_iptables_applied reads them on the host
      printf '%s\n' '#!/bin/sh' "case \" \$* \" in *' -L '*|*' --list '*) ;; *) exec $xt iptables \"\$@\" ;; esac" \
        "$xt iptables \"\$@\" > /tmp/.iptables-list.\$\$; rc=\$?" \
        "sed -E 's/^( *[0-9]+[KMG]? +[0-9]+[KMG]? +[A-Za-z_-]+ +)(!?)6 /\\1\\2tcp /; s/^( *[0-9]+[KMG]? +[0-9]+[KMG]? +[A-Za-z_-]+ +)(!?)17 /\\1\\2udp /; s/^( *[0-9]+[KMG]? +[0-9]+[KMG]? +[A-Za-z_-]+ +)(!?)1 /\\1\\2icmp /' /tmp/.iptables-list.\$\$; rm -f /tmp/.iptables-list.\$\$" \
        'exit $rc' > "$img/usr/sbin/iptables"
      chmod 755 "$img/usr/sbin/iptables"; ln -sf /usr/sbin/iptables "$img/bin/iptables"
      mkdir -p "$img/usr/lib/x86_64-linux-gnu"; cp -a /usr/lib/x86_64-linux-gnu/xtables "$img/usr/lib/x86_64-linux-gnu/"
      { ldd /usr/bin/ip /usr/sbin/tc "$xt"; ldd /usr/lib/x86_64-linux-gnu/xtables/*.so; } 2>/dev/null |
        awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u | while read -r lib; do cp -L --parents "$lib" "$img"; done
      install -d -m 1777 "$img/tmp"
      # protocol names for iptables -L (a case matches `icmp`; without the file it prints `1`), as any Debian image has
      install -D -m 644 /etc/protocols "$img/etc/protocols"
      tar -C "$img" -c . > "$out/standin.tar"
      rm -rf "$img"
    fi
  fi
  export FAULTLINE_VM_TIMEOUT=${FAULTLINE_VM_TIMEOUT:-1800}
  export PUMBA_BATS_DEADLINE=${PUMBA_BATS_DEADLINE:-$((FAULTLINE_VM_TIMEOUT - 300))}
  export FAULTLINE_VM_MEM=${FAULTLINE_VM_MEM:-4096}
  # one sidecar run that finds nothing takes 2-3 s in UML, 32-34 s under QEMU's emulation on a loaded host (Pumba's Go
  # binary: milliseconds), so each case gets longer and the suite's waits wait longer (test_helper's wait_for;
  # ENVIRONMENT.md): they still end as soon as what they wait for is there
  if [ "$backend" = uml ]; then tt=200 scale=20 sw=20; else tt=400 scale=20 sw=200; fi
  export PUMBA_BATS_TEST_TIMEOUT=${PUMBA_BATS_TEST_TIMEOUT:-$tt} PUMBA_BATS_WAIT_SCALE=${PUMBA_BATS_WAIT_SCALE:-$scale}
  export PUMBA_BATS_START_WAIT=${PUMBA_BATS_START_WAIT:-$sw}
  # the sidecar's runtime probe (2 s by default) waits for a cold JVM's first call under emulation
  export FAULTLINE_RUNTIME_PROBE_TIMEOUT=${FAULTLINE_RUNTIME_PROBE_TIMEOUT:-60s} ROUNDS=${ROUNDS:-3}
  mkdir -p "$out"; export PUMBA_BATS_GUEST_OUT=$(cd "$out" && pwd -P)
  export PUMBA_BATS_GUEST_CASES=${PUMBA_BATS_GUEST_CASES:-}
  export FAULTLINE_VM_ENV="${FAULTLINE_VM_ENV:-} PUMBA_BATS_GUEST_CASES PUMBA_BATS_GUEST_OUT PUMBA_BATS_DEADLINE PUMBA_BATS_TEST_TIMEOUT PUMBA_BATS_START_WAIT PUMBA_BATS_WAIT_SCALE
    FAULTLINE_RUNTIME_PROBE_TIMEOUT ROUNDS VARIANTS FAULTLINE_JAVA_OPTS"
  # the guests read the images where the host wrote them (their root is this host's, read-only)
  export PUMBA_BATS_GUEST_IMAGES=$PUMBA_BATS_GUEST_OUT/images.tar PUMBA_BATS_GUEST_STANDIN=$PUMBA_BATS_GUEST_OUT/standin.tar
  export FAULTLINE_VM_ENV="$FAULTLINE_VM_ENV PUMBA_BATS_GUEST_IMAGES PUMBA_BATS_GUEST_STANDIN"
  # Shards: the files split among that many guests run side by side (a UML guest has one CPU: one per host core;
  # a QEMU guest already takes every core). Whole files (a file's cases share its setup), greedy by their cost: a case
  # took ~55 s with Podman, ~40 s with Docker, ~33 s with containerd (UML, 2026-12-07: weights 5, 4, 3)
  shards=${PUMBA_BATS_GUEST_SHARDS:-$([ "$backend" = uml ] && nproc || echo 1)}
  [[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "netem-guest-bats: PUMBA_BATS_GUEST_SHARDS=$shards: expected a count" >&2; exit 2; }
  [ "$mode" = bats ] || shards=1
  declare -a shard_files shard_cases shard_cost
  for i in $(seq 0 $((shards - 1))); do shard_files[$i]=""; shard_cases[$i]=0; shard_cost[$i]=0; done
  if [ "$mode" = bats ]; then
    while read -r cost n f; do
      m=0; for i in $(seq 1 $((shards - 1))); do [ "${shard_cost[$i]}" -ge "${shard_cost[$m]}" ] || m=$i; done
      shard_files[$m]="${shard_files[$m]} $f"; shard_cases[$m]=$((shard_cases[$m] + n)); shard_cost[$m]=$((shard_cost[$m] + cost))
    done < <(listed "${files[@]}" | cut -f1 | sort | uniq -c |
      awk '{ w = $2 ~ /^podman_/ ? 5 : $2 ~ /^containerd_/ ? 3 : 4; print $1 * w, $1, $2 }' | sort -k1,1nr -k3)
  fi
  rc=0
  if [ "$shards" = 1 ]; then
    .ci/netem-vm.sh --rw "$out" -- bash .ci/netem-guest-bats.sh --in-guest "$mode" "${files[@]}" 2>&1 | tee "$out/guest.log" || rc=$?
  else
    pids=()
    for i in $(seq 0 $((shards - 1))); do
      [ -n "${shard_files[$i]}" ] || continue
      d=$PUMBA_BATS_GUEST_OUT/guest-$i; mkdir -p "$d"
      echo "netem-guest-bats: guest $i: ${shard_cases[$i]} cases of${shard_files[$i]}" >&2
      # shellcheck disable=SC2086 # the file names: words without blanks
      ( set +e; PUMBA_BATS_GUEST_OUT=$d .ci/netem-vm.sh --rw "$d" -- bash .ci/netem-guest-bats.sh --in-guest bats ${shard_files[$i]} 2>&1 |
          tee "$d/guest.log" | sed -u "s/^/[guest $i] /"; echo "${PIPESTATUS[0]}" > "$d/exit" ) &
      pids+=($!)
    done
    wait "${pids[@]}" || true
    for d in "$PUMBA_BATS_GUEST_OUT"/guest-*; do
      r=$(cat "$d/exit" 2>/dev/null || echo 2)
      [ "$r" = 0 ] || [ "$rc" != 0 ] || rc=$r
      cat "$d/suite.tap" >> "$out/suite.tap" 2>/dev/null || true
    done
    # one table over every guest's report, as .ci/pumba-bats.sh makes it for one
    {
      printf '| file | pass | fail | skip |\n|---|---|---|---|\n'
      sed -n 's/.*<testsuite name="\([^"]*\)" tests="\([0-9]*\)" failures="\([0-9]*\)" errors="\([0-9]*\)" skipped="\([0-9]*\)".*/\1 \2 \3 \4 \5/p' \
        "$PUMBA_BATS_GUEST_OUT"/guest-*/report.xml 2>/dev/null | sort |
        awk '{ p = $2 - $3 - $4 - $5; tp += p; tf += $3 + $4; ts += $5; printf "| %s | %d | %d | %d |\n", $1, p, $3 + $4, $5 }
             END { printf "| **all** | %d | %d | %d |\n", tp, tf, ts }'
    } > "$out/summary.md"
  fi
  rm -f "$out/images.tar" "$out/standin.tar"
  [ -f "$out/summary.md" ] && cat "$out/summary.md"
  [ -f "$out/start-times.md" ] && cat "$out/start-times.md"
  echo "netem-guest-bats: exit $rc after $(($(date +%s) - start)) s ($backend, $shards guest(s)); TAP log in $out/suite.tap" >&2
  exit $rc
fi

# ---- in the guest: the host's root read-only under a tmpfs overlay, the host's binaries ----
mode=$2
shift 2
# into the guest's memory: the shared directory is mounted without a page cache, for the JVM to map from
for f in sidecar-25.aot sidecar-g1.jsa; do [ ! -s "$out/$f" ] || cp "$out/$f" "/tmp/$f"; done
phase() { echo "netem-guest-bats: $* at $(cut -d' ' -f1 /proc/uptime) s" >&2; }
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 cgroup2 /sys/fs/cgroup
# the links udev makes on a booted system, and bats' process substitutions need
for i in 0 1 2; do [ -e "/dev/fd/$i" ] || { ln -sfn /proc/self/fd /dev/fd; break; }; done
ln -sfn /proc/self/fd/0 /dev/stdin; ln -sfn /proc/self/fd/1 /dev/stdout; ln -sfn /proc/self/fd/2 /dev/stderr
# the engines' stores on tmpfs: overlayfs cannot take the guest's root (itself an overlay) as its upper layer
for d in /var/lib/docker /var/lib/containerd /var/lib/containers; do mkdir -p "$d"; mount -t tmpfs tmpfs "$d"; done
# containerd first, and dockerd on it: dockerd gives a containerd it starts itself 60 s, which under emulation on a
# loaded host was not enough. On the socket Docker's own containerd has (as on the host): at the standard
# /run/containerd/containerd.sock the sidecar's runtime detection would probe it first (a containerd without CRI is
# skipped, at the cost of a gRPC start under emulation). The containerd files find it through CONTAINERD_ADDRESS,
# as on the host (.ci/pumba-bats.sh). No CRI plugin: nothing uses it
mkdir -p /run/docker/containerd
printf 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[grpc]\n  address = "/run/docker/containerd/containerd.sock"\n' \
  > /run/netem-guest-containerd.toml
containerd --config /run/netem-guest-containerd.toml >"$out/containerd.log" 2>&1 &
export CONTAINERD_ADDRESS=/run/docker/containerd/containerd.sock
answers() { for _ in $(seq 1 "$((${2:-300} * 5))"); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
answers 'ctr version' || { echo "netem-guest-bats: containerd did not answer:" >&2; tail -30 "$out/containerd.log" >&2; exit 2; }
phase "containerd up"
echo '{}' > /run/netem-guest-dockerd.json   # not the host's /etc/docker/daemon.json
# no iptables: the cases need no NAT or published port, and its chains cost ~10 s of the start under emulation
dockerd --config-file /run/netem-guest-dockerd.json --containerd "$CONTAINERD_ADDRESS" --iptables=false \
  >"$out/dockerd.log" 2>&1 &
answers 'docker version' || { echo "netem-guest-bats: dockerd did not answer:" >&2; tail -30 "$out/dockerd.log" >&2; exit 2; }
phase "dockerd up"

# One sidecar run per JVM variant, the variants in turn for ROUNDS rounds (so a change in the host's load falls on
# all of them), after two runs not counted that read the JDKs and the jar over 9p. The command is what a bats
# case's sidecar run does: detect Docker, recover from the journal, list, find nothing, exit 0.
start_times() {
  local j17 base cds n r v t0 t1 rc
  j17=$(command -v java)
  base="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
  cds="-XX:SharedArchiveFile=${jar%.jar}.jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
  local names=(${VARIANTS:-launcher no-app-cds g1 g1-heap reloc0 xint jdk25 jdk25-aot jdk25-aot-reloc0})
  local -A cmd=(
    [launcher]="bin/faultline-sidecar"
    [no-app-cds]="$j17 $base -jar $jar"
    [g1]="$j17 -XX:TieredStopAtLevel=1 -XX:+UseG1GC $cds -jar $jar"
    [g1-heap]="$j17 -XX:TieredStopAtLevel=1 -XX:+UseG1GC -XX:SharedArchiveFile=/tmp/sidecar-g1.jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off -jar $jar"
    [reloc0]="$j17 $base -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 $cds -jar $jar"
    [xint]="$j17 -Xint -XX:+UseSerialGC $cds -jar $jar"
    [jdk25]="$jdk25/bin/java $base -jar $jar"
    [jdk25-aot]="$jdk25/bin/java $base -XX:AOTCache=/tmp/sidecar-25.aot -jar $jar"
    [jdk25-aot-reloc0]="$jdk25/bin/java $base -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:AOTCache=/tmp/sidecar-25.aot -jar $jar"
    [jdk25-aot-xint]="$jdk25/bin/java -Xint -XX:+UseSerialGC -XX:AOTCache=/tmp/sidecar-25.aot -jar $jar"
  )
  echo "clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource), $(nproc) cpus" > "$out/start-times.info"
  # what the JVMs map and where their start goes (not counted)
  FAULTLINE_JOURNAL=/tmp/st-journal/journal $j17 $base -XX:SharedArchiveFile="${jar%.jar}.jsa" -Xshare:auto \
    -Xlog:cds=info,cds+dynamic=info,startuptime=info:file="$out/start-times-launcher-jvm.log" \
    -Xlog:class+load=info:file="$out/start-times-classload.log" -jar "$jar" kill faultline-no-such-container \
    >>"$out/start-times.info" 2>&1 || true
  FAULTLINE_JOURNAL=/tmp/st-journal/journal $j17 -XX:TieredStopAtLevel=1 -XX:+UseG1GC -XX:SharedArchiveFile=/tmp/sidecar-g1.jsa \
    -Xlog:cds=info,startuptime=info:file="$out/start-times-g1-heap-jvm.log" -jar "$jar" kill faultline-no-such-container \
    >>"$out/start-times.info" 2>&1 || true
  FAULTLINE_JOURNAL=/tmp/st-journal/journal "$jdk25/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -XX:AOTCache=/tmp/sidecar-25.aot -Xlog:aot=info,cds=info,startuptime=info:file="$out/start-times-jdk25-aot.log" \
    -jar "$jar" kill faultline-no-such-container >>"$out/start-times.info" 2>&1 || true
  printf 'variant\tround\tseconds\texit\n' > "$out/start-times.tsv"
  for r in $(seq 1 "$ROUNDS"); do
    for v in "${names[@]}"; do
      t0=$(date +%s%N); rc=0
      FAULTLINE_JOURNAL=/tmp/st-journal/journal ${cmd[$v]} kill faultline-no-such-container >"$out/start-$v.log" 2>&1 || rc=$?
      t1=$(date +%s%N)
      printf '%s\t%s\t%s\t%s\n' "$v" "$r" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", (b - a) / 1e9}')" "$rc" >> "$out/start-times.tsv"
      phase "start-times round $r $v: exit $rc"
    done
  done
  {
    echo "| variant | command (then \`kill faultline-no-such-container\`) | median s (rounds 1-$ROUNDS) | min-max s | exits |"
    echo "|---|---|---|---|---|"
    for v in "${names[@]}"; do
      awk -F '\t' -v v="$v" '$1 == v && $2 > 0 { print $3 "\t" $4 }' "$out/start-times.tsv" | sort -n |
        awk -F '\t' -v v="$v" -v c="${cmd[$v]}" '{ t[++n] = $1; e = e $2 " " }
          END { m = n % 2 ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2
                printf "| %s | `%s` | %.1f | %.1f-%.1f | %s|\n", v, c, m, t[1], t[n], e }'
    done
  } > "$out/start-times.md"
}
if [ "$mode" = start-times ]; then
  start_times
  phase "start-times done"
  exit 0
fi

docker load -q < "${PUMBA_BATS_GUEST_IMAGES:-$out/images.tar}" >/dev/null
phase "images loaded"
files=()
for f in $(listed "$@" | cut -f1 | sort -u); do files+=("$f"); done
# The containerd and podman files' target image (docker.io/faultline/jre-base:local, for iproute2 and iptables):
# loading the real one (354 MB) had not finished after 4.5 min under emulation, so in the guest that name is a stand-in
# made on the host (above) of what the cases use in it: busybox plus the host's ip, tc and iptables (nft) with their libraries
if printf '%s\n' "${files[@]}" | grep -q -E '^(containerd|podman)_'; then
  docker import -c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["sh"]' - faultline/jre-base:local < "$PUMBA_BATS_GUEST_STANDIN" >/dev/null
  phase "network-tools stand-in for faultline/jre-base:local imported"
fi
if printf '%s\n' "${files[@]}" | grep -q '^podman_'; then
  bash .ci/podman.sh start >/dev/null
  phase "podman service up"
fi
# exactly SKIPPED.tsv's cases: their names, anchored and escaped for bats' --filter (a bash regex)
export PUMBA_BATS_FILTER="^($(listed "$@" | cut -f2 | sed 's/[][\\.*^$()+?{}|/]/\\&/g' | paste -sd '|'))\$"
rc=0
# its reports straight into the shared directory: a run the deadline stops still leaves its TAP log there
PUMBA_BATS_OUT=$out/pumba-bats bash .ci/pumba-bats.sh "${files[@]}" || rc=$?
cp -a "$out/pumba-bats/." "$out/" 2>/dev/null || true
phase "bats done (exit $rc)"
exit $rc
}
