#!/usr/bin/env bash
# The Pumba bats cases this machine's kernel cannot run (SKIPPED.tsv's `no-netem`: no sch_netem; `no-dummy`: no dummy
# network driver), run in the netem guest (.ci/netem-vm.sh: Debian's stock kernel, which has both) with a container
# engine of its own: this host's dockerd (and its containerd, for the containerd files) and, for the podman files,
# Podman's API service, each with its store on a tmpfs of the guest. The images come from this host's Docker
# (`docker save`, loaded in the guest); nothing in the guest touches the host's engines, and everything it starts dies
# with it. Only those cases run (bats --filter), through .ci/pumba-bats.sh as on the host. Needs the built jar (mvn -B
# -pl sidecar -am package -DskipTests) and the local images (.ci/images.sh).
#
#   .ci/netem-guest-bats.sh                                     every no-netem/no-dummy case
#   .ci/netem-guest-bats.sh netem.bats podman_netem.bats        those files' no-netem/no-dummy cases
#
# Reports: sidecar/target/pumba-bats-guest/ (suite.tap, report.xml, summary.md, guest.log, the engines' logs).
# Deadlines: the guest is powered off after FAULTLINE_VM_TIMEOUT s (default 1800); bats inside stops itself after
# PUMBA_BATS_DEADLINE s (default: the guest's less 300 s for boot, engines and images) and each case after 150 s.
set -euo pipefail
{ # read whole before it runs: an edit made during a run (it takes many minutes) cannot change it
cd "$(dirname "$0")/.."
root=$PWD
suite=$root/sidecar/src/test/bats/pumba
out=$root/sidecar/target/pumba-bats-guest

# the SKIPPED.tsv cases a kernel with sch_netem and the dummy driver runs: "file<TAB>test" lines, of the chosen files
listed() {
  awk -F '\t' -v files="$*" 'BEGIN { n = split(files, f, " "); for (i = 1; i <= n; i++) chosen[f[i]] = 1 }
    NR > 1 && ($3 == "no-netem" || $3 == "no-dummy") && (n == 0 || $1 in chosen) { print $1 "\t" $2 }' "$suite/SKIPPED.tsv"
}

if [ "${1:-}" != --in-guest ]; then
  [ -s sidecar/target/faultline-sidecar.jar ] || { echo "netem-guest-bats: build first: mvn -B -pl sidecar -am package -DskipTests" >&2; exit 2; }
  command -v bats >/dev/null || { echo "netem-guest-bats: no bats (Debian: bats bats-support bats-assert; .ci/install.sh)" >&2; exit 2; }
  files=()
  for f in "$@"; do files+=("$(basename "$f")"); done
  [ -n "$(listed "${files[@]}")" ] || { echo "netem-guest-bats: SKIPPED.tsv lists no no-netem/no-dummy case in ${files[*]}" >&2; exit 2; }
  rm -rf "$out"; mkdir -p "$out"
  start=$(date +%s)
  # the images the cases use, from this host's Docker: the targets (pumba-alpine, busybox); .ci/pumba-bats.sh wants
  # stress-ng's (35 MB) only for the stress files, which need nothing the host lacks
  images=(faultline/pumba-alpine:local faultline/busybox:local)
  docker image inspect "${images[@]}" >/dev/null 2>&1 || .ci/images.sh >/dev/null
  docker save "${images[@]}" > "$out/images.tar"
  export FAULTLINE_VM_TIMEOUT=${FAULTLINE_VM_TIMEOUT:-1800}
  export PUMBA_BATS_DEADLINE=${PUMBA_BATS_DEADLINE:-$((FAULTLINE_VM_TIMEOUT - 300))}
  export FAULTLINE_VM_MEM=${FAULTLINE_VM_MEM:-4096}
  # under emulation one sidecar run that finds nothing takes 32-34 s (Pumba's Go binary: milliseconds), so each
  # case gets longer and the suite's waits wait longer (test_helper's wait_for; ENVIRONMENT.md): they still end as
  # soon as what they wait for is there
  export PUMBA_BATS_TEST_TIMEOUT=${PUMBA_BATS_TEST_TIMEOUT:-400} PUMBA_BATS_WAIT_SCALE=${PUMBA_BATS_WAIT_SCALE:-20}
  export PUMBA_BATS_START_WAIT=${PUMBA_BATS_START_WAIT:-200}
  export FAULTLINE_VM_ENV="${FAULTLINE_VM_ENV:-} PUMBA_BATS_DEADLINE PUMBA_BATS_TEST_TIMEOUT PUMBA_BATS_START_WAIT PUMBA_BATS_WAIT_SCALE"
  rc=0
  .ci/netem-vm.sh --rw "$out" -- bash .ci/netem-guest-bats.sh --in-guest "${files[@]}" 2>&1 | tee "$out/guest.log" || rc=$?
  rm -f "$out/images.tar"
  [ -f "$out/summary.md" ] && cat "$out/summary.md"
  echo "netem-guest-bats: exit $rc after $(($(date +%s) - start)) s; TAP log in $out/suite.tap" >&2
  exit $rc
fi

# ---- in the guest: the host's root read-only under a tmpfs overlay, the host's binaries ----
shift
phase() { echo "netem-guest-bats: $* at $(cut -d' ' -f1 /proc/uptime) s" >&2; }
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 cgroup2 /sys/fs/cgroup
# the links udev makes on a booted system, and bats' process substitutions need
for i in 0 1 2; do [ -e "/dev/fd/$i" ] || { ln -sfn /proc/self/fd /dev/fd; break; }; done
ln -sfn /proc/self/fd/0 /dev/stdin; ln -sfn /proc/self/fd/1 /dev/stdout; ln -sfn /proc/self/fd/2 /dev/stderr
# the engines' stores on tmpfs: overlayfs cannot take the guest's root (itself an overlay) as its upper layer
for d in /var/lib/docker /var/lib/containerd /var/lib/containers; do mkdir -p "$d"; mount -t tmpfs tmpfs "$d"; done
# containerd first, and dockerd on it: dockerd gives a containerd it starts itself 60 s, which under emulation on a
# loaded host was not enough. On the socket Docker's own containerd has (as on the host): at the standard
# /run/containerd/containerd.sock the sidecar's runtime detection probes it first, under a 2 s deadline that a cold JVM
# under emulation misses, and refuses the unanswered socket. The containerd files find it through CONTAINERD_ADDRESS,
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
docker load -q < "$out/images.tar" >/dev/null
phase "images loaded"
files=()
for f in $(listed "$@" | cut -f1 | sort -u); do files+=("$f"); done
# The containerd and podman files' target image (docker.io/faultline/jre-base:local, for iproute2 and iptables):
# loading the real one (354 MB) had not finished after 4.5 min under emulation, so in the guest that name is a stand-in
# made here of what the cases use in it: busybox plus this host's ip, tc and iptables (nft) with their libraries
if printf '%s\n' "${files[@]}" | grep -q -E '^(containerd|podman)_'; then
  img=$(mktemp -d)
  install -D /bin/busybox "$img/bin/busybox"
  for a in $("$img/bin/busybox" --list); do [ -e "$img/bin/$a" ] || ln -s busybox "$img/bin/$a"; done
  for b in /usr/bin/ip /usr/sbin/tc /usr/sbin/xtables-nft-multi; do install -D "$b" "$img$b"; done
  ln -sf /usr/bin/ip "$img/bin/ip"; ln -sf /usr/sbin/tc "$img/bin/tc"
  for b in iptables iptables-save iptables-restore ip6tables; do ln -sf /usr/sbin/xtables-nft-multi "$img/usr/sbin/$b"; ln -sf /usr/sbin/xtables-nft-multi "$img/bin/$b"; done
  mkdir -p "$img/usr/lib/x86_64-linux-gnu"; cp -a /usr/lib/x86_64-linux-gnu/xtables "$img/usr/lib/x86_64-linux-gnu/"
  { ldd /usr/bin/ip /usr/sbin/tc /usr/sbin/xtables-nft-multi; ldd /usr/lib/x86_64-linux-gnu/xtables/*.so; } 2>/dev/null |
    awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u | while read -r lib; do cp -L --parents "$lib" "$img"; done
  install -d -m 1777 "$img/tmp"
  tar -C "$img" -c . | docker import -c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["sh"]' - faultline/jre-base:local >/dev/null
  rm -rf "$img"
  phase "network-tools stand-in for faultline/jre-base:local imported"
fi
if printf '%s\n' "${files[@]}" | grep -q '^podman_'; then
  .ci/podman.sh start >/dev/null
  phase "podman service up"
fi
# exactly SKIPPED.tsv's cases: their names, anchored and escaped for bats' --filter (a bash regex)
export PUMBA_BATS_FILTER="^($(listed "$@" | cut -f2 | sed 's/[][\\.*^$()+?{}|/]/\\&/g' | paste -sd '|'))\$"
rc=0
bash .ci/pumba-bats.sh "${files[@]}" || rc=$?
cp -a sidecar/target/pumba-bats/. "$out/" 2>/dev/null || true
phase "bats done (exit $rc)"
exit $rc
}
