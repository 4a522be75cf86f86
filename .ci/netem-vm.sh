#!/usr/bin/env bash
# Runs one command on a kernel that has sch_netem, on a host whose kernel has none (our CI's has no modules).
#
#   .ci/netem-vm.sh [--rw DIR]... -- CMD [ARG...]
#   .ci/netem-vm.sh --which                          prints the backend a run would use (installs user-mode-linux)
#
# Two backends, the same interface (FAULTLINE_VM_BACKEND=uml|qemu; uml unless it cannot be installed):
# - uml (the default): User-mode Linux, Debian's `user-mode-linux` package (6.1um, with sch_netem, dummy, ifb, veth,
#   bridge, overlay, nftables as modules). The guest kernel is a host process: guest code runs natively on the host
#   CPU, its syscalls and page faults trapped by the UML kernel (ptrace), so no instruction emulation. It runs in a
#   mount and PID namespace of its own in which every mount is read-only but the --rw DIRs and its scratch directory,
#   mounts the host's root over hostfs read-only under a tmpfs overlay, and has no network device (loopback only).
#   One guest CPU.
# - qemu: a throwaway QEMU guest (TCG: software emulation; /dev/kvm here cannot run a stock kernel) with Debian
#   bookworm's stock 6.1 kernel, which ships sch_netem.ko: fetched with apt-get download and unpacked, never
#   installed. The host's root over 9p, read-only, under a tmpfs overlay. Many times slower than uml.
# Either way CMD runs with the host's own bash, java, tc, ip and nsenter, in the same working directory. Everything
# the guest writes is lost except in the --rw DIRs, which are shared writable at the same path (e.g. for test
# reports). Exits with CMD's status; 124 on timeout, 2 for a harness failure. Nothing is left running on the host.
#
# Environment: FAULTLINE_VM_BACKEND (uml|qemu), FAULTLINE_VM_MEM (MiB, 3072), FAULTLINE_VM_TIMEOUT (s, 1200),
# FAULTLINE_VM_ENV (more variable names to pass to CMD; PATH HOME LANG JAVA_HOME always go), FAULTLINE_VM_VERBOSE=1
# (kernel messages on the console). qemu only: FAULTLINE_VM_CACHE (/var/cache/faultline-netem-vm), FAULTLINE_VM_SMP
# (nproc), FAULTLINE_VM_KPKG (pin e.g. linux-image-6.1.0-57-amd64), FAULTLINE_VM_TCG_THREAD (multi: one host thread
# per vcpu, the default; single: all vcpus on one host thread).
# Needs root (namespaces, apt; qemu: 9p export of the whole root) and the Debian mirror on the first run.
set -euo pipefail

CACHE=${FAULTLINE_VM_CACHE:-/var/cache/faultline-netem-vm}
MEM=${FAULTLINE_VM_MEM:-3072}
SMP=${FAULTLINE_VM_SMP:-$(nproc)}
TIMEOUT=${FAULTLINE_VM_TIMEOUT:-1200}
TCG_THREAD=${FAULTLINE_VM_TCG_THREAD:-multi}
case "$TCG_THREAD" in multi|single) ;; *) echo "netem-vm: FAULTLINE_VM_TCG_THREAD=$TCG_THREAD: expected multi or single" >&2; exit 2 ;; esac
# What the guest loads; modprobe resolves each one's dependencies from the kernel's own modules.dep.
MODULES="sch_netem sch_htb sch_tbf sch_ingress cls_u32 cls_matchall act_mirred ifb veth
  nf_tables nft_compat xt_statistic xt_comment ip_tables iptable_filter ip6_tables ip6table_filter
  virtio_pci 9pnet_virtio 9p overlay
  dummy bridge br_netfilter nft_chain_nat nft_masq xt_MASQUERADE xt_addrtype xt_conntrack xt_nat xt_mark xt_multiport iptable_nat"

log() { echo "netem-vm: $*" >&2; }
die() { log "$*"; exit 2; }

rw=()
which=
while [ $# -gt 0 ]; do
  case "$1" in
    --which) which=1; shift ;;
    --rw) [ -d "${2:-}" ] || die "--rw ${2:-}: not a directory"; rw+=("$(cd "$2" && pwd -P)"); shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "usage: $0 [--rw DIR]... -- CMD [ARG...]" ;;
  esac
done
[ $# -gt 0 ] || [ -n "$which" ] || die "usage: $0 [--rw DIR]... -- CMD [ARG...]"
[ "$(id -u)" = 0 ] || die "needs root"

# CMD, its working directory and environment, for the guest: written with bash's printf %q, the host's own bash reads them
write_cmd() {
  local dir=$1 v; shift
  printf 'FAULTLINE_VM_CWD=%q\n' "$PWD" > "$dir/env"
  for v in PATH HOME LANG JAVA_HOME ${FAULTLINE_VM_ENV:-}; do
    [ -z "${!v+x}" ] || printf 'export %s=%q\n' "$v" "${!v}" >> "$dir/env"
  done
  echo 'export FAULTLINE_NETEM_GUEST=1' >> "$dir/env"
  { printf '%q ' "$@"; echo; } > "$dir/cmd.sh"
}

BACKEND=${FAULTLINE_VM_BACKEND:-}
case "$BACKEND" in
  uml|qemu|'') ;;
  *) die "FAULTLINE_VM_BACKEND=$BACKEND: expected uml or qemu" ;;
esac
UML=/usr/bin/linux.uml
if [ "$BACKEND" != qemu ] && [ ! -x "$UML" ]; then
  log "installing user-mode-linux"
  export DEBIAN_FRONTEND=noninteractive
  apt-cache show user-mode-linux >/dev/null 2>&1 || timeout 300 apt-get update -qq || true
  timeout 600 apt-get install -y -qq --no-install-recommends user-mode-linux >/dev/null 2>&1 || true
  if [ ! -x "$UML" ]; then
    [ -z "$BACKEND" ] || die "FAULTLINE_VM_BACKEND=uml: apt-get install user-mode-linux failed"
    log "no user-mode-linux (apt-get install failed): QEMU instead"
  fi
fi
[ -n "$BACKEND" ] || { [ -x "$UML" ] && BACKEND=uml || BACKEND=qemu; }
[ -z "$which" ] || { echo "$BACKEND"; exit 0; }

if [ "$BACKEND" = uml ]; then
  # the package's one kernel: its modules are where its modprobe (the host's kmod) will look for them in the guest
  UVER=$(ls /usr/lib/uml/modules 2>/dev/null | sort -V | tail -1)
  [ -n "$UVER" ] && [ -s "/usr/lib/uml/modules/$UVER/modules.dep.bin" ] || die "no modules in /usr/lib/uml/modules"
  grep -q "/sch_netem.ko:" "/usr/lib/uml/modules/$UVER/modules.dep" || die "user-mode-linux $UVER has no sch_netem module"
  # /init of the guest, PID 1: the host's bash, seen over hostfs
  read -r -d '' UML_INIT <<'EOF' || true
#!/bin/bash
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
X=${0%/init}
mount -t proc proc /proc; mount -t sysfs sys /sys; mountpoint -q /dev || mount -t devtmpfs dev /dev
echo "netem-vm: guest up after $(cut -d' ' -f1 /proc/uptime)s, kernel $(uname -r)"
rc=3
off() { echo o > /proc/sysrq-trigger; sleep 60; }
finish() { echo "$rc" > "$X/xchg/rc"; sync; echo "netem-vm: guest done after $(cut -d' ' -f1 /proc/uptime)s, rc=$rc"; off; }
# writable shares are hostfs mounts of their own over the read-only root's view of the same host path
mount -t hostfs -o "$X/xchg" xchg "$X/xchg" || { echo "netem-vm: no xchg share"; off; }
ip link set lo up
# a tmpfs upper over the read-only host root: CMD may write anywhere, and nothing reaches the host
N=$X/ovl/root
insmod "/usr/lib/uml/modules/$(uname -r)/kernel/fs/overlayfs/overlay.ko"   # no dependencies; modprobe once it is up
mount -t tmpfs ovl "$X/ovl" && mkdir -p "$X/ovl/u" "$X/ovl/w" "$N" &&
  mount -t overlay overlay -o "lowerdir=/,upperdir=$X/ovl/u,workdir=$X/ovl/w" "$N" || { echo "netem-vm: overlay failed"; finish; }
for d in proc sys dev; do mount --rbind "/$d" "$N/$d"; done
mkdir -p "$N/dev/pts" "$N/dev/shm"; mount -t devpts devpts "$N/dev/pts"; mount -t tmpfs shm "$N/dev/shm"
mount -t tmpfs run "$N/run"; mkdir -p "$N/run/netns" "$N/run/netem-vm"
mount --bind "$X/xchg" "$N/run/netem-vm"
i=0
while [ -f "$X/xchg/rw$i" ]; do
  d=$(cat "$X/xchg/rw$i")
  mount -t hostfs -o "$d" "rw$i" "$N$d" || { echo "netem-vm: rw share $d failed"; finish; }
  i=$((i + 1))
done
# the UML kernel's modules where modprobe looks for them (the host's own kernel has a directory of another name)
mkdir -p "$N/usr/lib/modules"; ln -sfn "/usr/lib/uml/modules/$(uname -r)" "$N/usr/lib/modules/$(uname -r)"
chroot "$N" modprobe -a $(cat "$X/xchg/modules") || echo "netem-vm: modprobe failed"
# This kernel has RT_GROUP_SCHED and a SCHED_FIFO kernel thread (watchdogd): once something moves every process out
# of the root cgroup (Podman's service does), the cgroup-v2 cpu controller can no longer be enabled (EINVAL), and
# runc then fails ("openat2 …/cpu.weight: no such file or directory"). Nothing here needs real-time scheduling.
for p in $(ps -eo pid=,cls= | awk '$2 != "TS" {print $1}'); do chrt -o -p 0 "$p" 2>/dev/null; done
# this kernel has no nf_tables for IPv4/IPv6 (CONFIG_NF_TABLES_IPV4 unset: iptables-nft fails, "TABLE_ADD failed
# (Operation not supported)"), but has ip_tables: the guest's iptables is the legacy one
chroot "$N" sh -c 'for t in iptables ip6tables; do update-alternatives --quiet --set $t /usr/sbin/$t-legacy; done' ||
  echo "netem-vm: no iptables-legacy"
# The overlay becomes the mount namespace's root (pivot_root, not a chroot): runc's pivot_root into a container's
# rootfs otherwise ended at the namespace's root, the plain host root, and `ctr run` containers saw the host's files
# instead of their image's. The old root stays under /run/netem-vm-old (xchg, with the result, is also /run/netem-vm).
mkdir -p "$N/run/netem-vm-old"
cd "$N" && pivot_root . run/netem-vm-old || { echo "netem-vm: pivot_root failed"; finish; }
cd /
X=/run/netem-vm-old$X
/bin/bash -c '. /run/netem-vm/env; cd "$FAULTLINE_VM_CWD" || exit 3; exec /bin/bash /run/netem-vm/cmd.sh' </dev/null
rc=$?
finish
EOF
  # runs in a new PID namespace (the end of its PID 1, the inner timeout, kills every process of the guest, UML's
  # helpers included) and a new mount namespace: every mount there read-only, but the guest's scratch directory and the --rw DIRs. hostfs
  # does its file operations as this process, so the guest can write nothing else of the host whatever it mounts.
  read -r -d '' UML_LAUNCH <<'EOF' || true
set -eu
X=$1; shift
awk '{print $5}' /proc/self/mountinfo | sort -u | while read -r m; do
  m=$(printf '%b' "$m")
  mount -o remount,bind,ro "$m" || { echo "netem-vm: cannot make $m read-only" >&2; exit 2; }
done
for d in "$X" "$@"; do mount --bind "$d" "$d" && mount -o remount,bind,rw "$d"; done
# the guest's memory: a file UML maps, on a tmpfs of this namespace (gone with it)
mount -t tmpfs -o mode=0700 uml-mem "$X/mem"
export TMPDIR=$X/mem
ulimit -c 0   # a guest panic aborts UML: no core of its memory
# the deadline in here: UML makes itself a session of its own, out of reach of a timeout's process group outside
exec timeout -k 5 "$TIMEOUT" "$UML" "mem=${MEM}M" root=/dev/root rootfstype=hostfs rootflags=/ ro "init=$X/init" \
  con0=null,fd:1 con=null ssl=null "uml_dir=$X/uml" umid=netem-vm $APPEND
EOF
  # what UML prints on every boot, quiet or not (no block device, no iomem, its memory file's checks)
  UML_NOISE='^(SELinux: |mmapper_init - |Failed to initialize ubd device|Checking if .* is on tmpfs|Checking PROT_EXEC mmap|Adding [0-9]+ bytes to physical memory|sysrq: Power Off$|reboot: Power down$)'
  X=$(mktemp -d /tmp/faultline-netem-vm.XXXXXX)
  upid=
  cleanup() { [ -z "$upid" ] || kill -KILL -- -"$upid" 2>/dev/null || true; rm -rf "$X"; }
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$X/xchg" "$X/ovl" "$X/mem" "$X/uml"
  printf '%s\n' "$UML_INIT" > "$X/init"; chmod 755 "$X/init"
  write_cmd "$X/xchg" "$@"
  # not QEMU's virtio/9p transport; no nft_chain_nat in UML's kernel (its dockerd runs without iptables anyway)
  echo $MODULES | tr ' ' '\n' | grep -v -E '^(virtio_pci|9pnet_virtio|9p|nft_chain_nat)$' > "$X/xchg/modules"
  for i in "${!rw[@]}"; do echo "${rw[$i]}" > "$X/xchg/rw$i"; done
  APPEND=""
  [ "${FAULTLINE_VM_VERBOSE:-0}" = 1 ] || APPEND="quiet loglevel=1"
  t0=$(date +%s.%N)
  # --kill-child: the namespace's PID 1 (the inner timeout) is killed when unshare ends, SIGKILL included, and every
  # process of the guest with it. The outer timeout is a backstop; its process group is what the cleanup kills.
  UML=$UML MEM=$MEM APPEND=$APPEND TIMEOUT=$TIMEOUT timeout -k 5 "$((TIMEOUT + 30))" unshare --mount --pid --fork --kill-child --mount-proc \
    bash -c "$UML_LAUNCH" netem-vm-uml "$X" "${rw[@]}" \
    </dev/null > >(stdbuf -oL tr -d '\r' | grep --line-buffered -v -E "$UML_NOISE") 2>&1 &
  upid=$!
  urc=0; wait "$upid" || urc=$?
  upid=
  log "uml, 1 cpu, $MEM MiB: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')s from start to power-off"
  # 124 from the inner timeout; 137 when UML needed its SIGKILL (then the outer one's status)
  if [ "$urc" = 124 ] || { [ "$urc" = 137 ] && [ "$(awk -v a="$t0" -v b="$(date +%s.%N)" -v t="$TIMEOUT" 'BEGIN {print (b - a >= t)}')" = 1 ]; }; then log "timed out after ${TIMEOUT}s"; exit 124; fi
  [ -s "$X/xchg/rc" ] || die "the guest ended without a result (uml exit $urc)"
  exit "$(cat "$X/xchg/rc")"
fi

# ---- host packages (a fresh machine has none of them) ----
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
# the initramfs needs a static busybox: a dynamic one would find no libc there
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v depmod >/dev/null || need+=(kmod)
command -v xz >/dev/null || need+=(xz-utils)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-cache show "${need[0]}" >/dev/null 2>&1 || apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"; flock 9   # concurrent runs share one kernel and one image

# ---- kernel: the package linux-image-amd64 pulls today, unpacked into the cache ----
KPKG=${FAULTLINE_VM_KPKG:-$(cat "$CACHE/kpkg" 2>/dev/null || true)}
if [ -z "$KPKG" ]; then
  resolve() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-6\.1/ && !k {k=$2} END {print k}'; }
  KPKG=$(resolve)
  [ -n "$KPKG" ] || { apt-get update -qq; KPKG=$(resolve); }
  [ -n "$KPKG" ] || die "no Debian 6.1 kernel behind linux-image-amd64 (set FAULTLINE_VM_KPKG)"
  echo "$KPKG" > "$CACHE/kpkg"
fi
KVER=${KPKG#linux-image-}
KROOT=$CACHE/$KPKG
if [ ! -s "$KROOT/lib/modules/$KVER/modules.dep" ]; then
  log "fetching $KPKG"
  rm -rf "$KROOT" "$KROOT.tmp" "$CACHE/dl"; mkdir -p "$CACHE/dl"
  # as root into a directory _apt cannot write: without this apt warns and may fail
  (cd "$CACHE/dl" && apt-get download -qq -o APT::Sandbox::User=root "$KPKG") || die "apt-get download $KPKG failed"
  dpkg-deb -x "$CACHE"/dl/"$KPKG"_*.deb "$KROOT.tmp"
  depmod -b "$KROOT.tmp" "$KVER"   # the .deb ships no modules.dep: its postinst would make it
  mv "$KROOT.tmp" "$KROOT"; rm -rf "$CACHE/dl"
fi
grep -q '^CONFIG_NET_SCH_NETEM=m' "$KROOT/boot/config-$KVER" || die "$KPKG has no sch_netem module"
KERNEL=$KROOT/boot/vmlinuz-$KVER
# The bare ELF boots through its PVH note: under TCG that skips ~3 s of real-mode setup and xz decompression.
if [ ! -s "$KROOT/vmlinux" ]; then
  off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$KERNEL" | awk -F: 'NR==1 {print $1}')
  if [ -n "$off" ]; then
    tail -c +$((off + 1)) "$KERNEL" | xz -dcq > "$KROOT/vmlinux.tmp" 2>/dev/null || true   # trailing data: rc 1
    [ "$(head -c 4 "$KROOT/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] && mv "$KROOT/vmlinux.tmp" "$KROOT/vmlinux"
    rm -f "$KROOT/vmlinux.tmp"
  fi
fi
[ -s "$KROOT/vmlinux" ] && KERNEL=$KROOT/vmlinux

# ---- initramfs: static busybox, the modules, /init ----
read -r -d '' INIT <<'EOF' || true
#!/bin/busybox sh
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
while read -r m; do insmod "$m" 2>/dev/null || echo "netem-vm: insmod $m failed"; done < /modules.list
ip link set lo up
echo "netem-vm: guest up after $(cut -d' ' -f1 /proc/uptime)s, kernel $(uname -r)"
rc=3
finish() { echo "$rc" > /xchg/rc; sync; echo "netem-vm: guest done after $(cut -d' ' -f1 /proc/uptime)s, rc=$rc"; poweroff -f; }
mkdir -p /xchg /host /ovl /newroot
mount -t 9p -o trans=virtio,version=9p2000.L xchg /xchg || { echo "netem-vm: no xchg share"; poweroff -f; }
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /host || { echo "netem-vm: no host root"; finish; }
# a tmpfs upper over the read-only host root: CMD may write anywhere, and nothing reaches the host
mount -t tmpfs ovl /ovl; mkdir -p /ovl/u /ovl/w
mount -t overlay overlay -o lowerdir=/host,upperdir=/ovl/u,workdir=/ovl/w /newroot || { echo "netem-vm: overlay failed"; finish; }
for d in proc sys dev; do mount --rbind /$d /newroot/$d; done
mkdir -p /newroot/dev/pts /newroot/dev/shm; mount -t devpts devpts /newroot/dev/pts; mount -t tmpfs shm /newroot/dev/shm
# no fresh tmpfs on /tmp: the overlay already makes it writable in RAM, and a checkout under /tmp must stay visible
mount -t tmpfs run /newroot/run; mkdir -p /newroot/run/netns /newroot/run/netem-vm
mount --bind /xchg /newroot/run/netem-vm
i=0
while [ -f /xchg/rw$i ]; do
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 rw$i "/newroot$(cat /xchg/rw$i)" || { echo "netem-vm: rw share failed"; finish; }
  i=$((i + 1))
done
# env and cmd.sh were written with bash's printf %q: the host's own bash reads them
chroot /newroot /bin/bash -c '. /run/netem-vm/env; cd "$FAULTLINE_VM_CWD" || exit 3; exec /bin/bash /run/netem-vm/cmd.sh' </dev/null
rc=$?
finish
EOF

bb_ver=$(/bin/busybox 2>&1 | awk 'NR == 1 {print $2}')
key=$(printf '%s\n' "$KVER" "$bb_ver" "$MODULES" "$INIT" | sha256sum | cut -c1-16)
INITRD=$CACHE/initrd-$key.cpio
if [ ! -s "$INITRD" ]; then
  log "building $INITRD"
  st=$(mktemp -d)
  mkdir -p "$st"/{bin,proc,sys,dev}
  cp /bin/busybox "$st/bin/busybox"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$st/bin/$a"; done
  : > "$st/modules.list"
  for m in $MODULES; do modprobe -d "$KROOT" -S "$KVER" --show-depends "$m"; done |
    awk '$1 == "insmod" && !seen[$2]++ {print $2}' | while read -r ko; do
      rel=${ko#"$KROOT"}; mkdir -p "$st$(dirname "$rel")"; cp "$ko" "$st$rel"; echo "$rel" >> "$st/modules.list"
    done
  printf '%s\n' "$INIT" > "$st/init"; chmod +x "$st/init"
  (cd "$st" && find . | cpio -o -H newc --quiet) > "$INITRD.tmp" && mv "$INITRD.tmp" "$INITRD"
  rm -rf "$st"
  for f in "$CACHE"/initrd-*.cpio; do [ "$f" = "$INITRD" ] || rm -f "$f"; done
fi
flock -u 9

# ---- boot ----
X=$(mktemp -d /tmp/faultline-netem-vm.XXXXXX)
qpid=
cleanup() { [ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true; rm -rf "$X"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
write_cmd "$X" "$@"
shares=(-virtfs "local,path=$X,mount_tag=xchg,security_model=none,id=xchg"
        -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap,id=hostroot")
for i in "${!rw[@]}"; do
  echo "${rw[$i]}" > "$X/rw$i"
  shares+=(-virtfs "local,path=${rw[$i]},mount_tag=rw$i,security_model=none,multidevs=remap,id=rw$i")
done
append="console=ttyS0 panic=-1 i8042.noaux i8042.nokbd i8042.nopnp tsc=reliable no_timer_check"
[ "${FAULTLINE_VM_VERBOSE:-0}" = 1 ] || append="$append quiet loglevel=1"
# /dev/kvm here is PVM, which cannot run a stock kernel: TCG unless real vmx/svm KVM is loaded
if [ -w /dev/kvm ] && [ -d /sys/module/kvm_intel -o -d /sys/module/kvm_amd ]; then accel=(-accel kvm -cpu host)
# Not -cpu max under TCG: the guest's JVMs crashed in JIT-compiled code with it (SIGSEGV, SIGILL: about one run in
# three), emulating instructions the JIT picks from CPUID; a plain x86-64 with SSE4.2 is what the JIT needs.
# thread=single: the JIT patches its own code while other threads run it (C1's patching stubs); multi-threaded TCG
# has let a guest JVM see a half-patched instruction (SIGILL in C1 code, about one boot in four); one host thread
# for all vcpus cannot, at the price of speed.
else accel=(-accel tcg,thread=$TCG_THREAD,tb-size=256 -cpu "${FAULTLINE_VM_CPU:-qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt}"); fi
t0=$(date +%s.%N)
# -no-reboot: a guest panic (panic=-1 reboots) ends qemu instead of looping
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 "${accel[@]}" -m "$MEM" -smp "$SMP" -nodefaults -no-user-config -nic none \
  -display none -monitor none -serial stdio -no-reboot -kernel "$KERNEL" -initrd "$INITRD" -append "$append" "${shares[@]}" \
  </dev/null > >(stdbuf -oL tr -d '\r' | grep --line-buffered -v '\] reboot: Power down$') &
qpid=$!
qrc=0; wait "$qpid" || qrc=$?
qpid=
log "${accel[1]%%,*}, $SMP vcpu, $MEM MiB: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')s from qemu start to power-off"
if [ "$qrc" = 124 ]; then log "timed out after ${TIMEOUT}s"; exit 124; fi
[ -s "$X/rc" ] || die "the guest ended without a result (qemu exit $qrc)"
exit "$(cat "$X/rc")"
