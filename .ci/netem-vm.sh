#!/usr/bin/env bash
# Runs one command on a kernel that has sch_netem, on a host whose kernel has none (our CI's has no modules).
#
#   .ci/netem-vm.sh [--rw DIR]... -- CMD [ARG...]
#
# Boots a throwaway QEMU guest (TCG: software emulation) with Debian bookworm's stock 6.1 kernel, which ships
# sch_netem.ko. The kernel is fetched with apt-get download and unpacked, never installed. The guest sees this
# host's root read-only over 9p under a tmpfs overlay, so CMD runs with the host's own bash, java, tc, ip and
# nsenter, in the same working directory. Everything the guest writes is lost except in the --rw DIRs, which
# are shared writable at the same path (e.g. for test reports). Exits with CMD's status; 124 on timeout,
# 2 for a harness failure.
#
# Environment: FAULTLINE_VM_CACHE (/var/cache/faultline-netem-vm), FAULTLINE_VM_MEM (MiB, 3072),
# FAULTLINE_VM_SMP (nproc), FAULTLINE_VM_TIMEOUT (s, 1200), FAULTLINE_VM_KPKG (pin e.g. linux-image-6.1.0-57-amd64),
# FAULTLINE_VM_ENV (more variable names to pass to CMD; PATH HOME LANG JAVA_HOME always go),
# FAULTLINE_VM_TCG_THREAD (multi: one host thread per vcpu, the default; single: all vcpus on one host thread),
# FAULTLINE_VM_VERBOSE=1 (kernel messages on the console).
# Needs root (apt, and 9p export of the whole root) and the Debian mirror on the first run.
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
while [ $# -gt 0 ]; do
  case "$1" in
    --rw) [ -d "${2:-}" ] || die "--rw ${2:-}: not a directory"; rw+=("$(cd "$2" && pwd -P)"); shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "usage: $0 [--rw DIR]... -- CMD [ARG...]" ;;
  esac
done
[ $# -gt 0 ] || die "usage: $0 [--rw DIR]... -- CMD [ARG...]"
[ "$(id -u)" = 0 ] || die "needs root"

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
printf 'FAULTLINE_VM_CWD=%q\n' "$PWD" > "$X/env"
for v in PATH HOME LANG JAVA_HOME ${FAULTLINE_VM_ENV:-}; do
  [ -z "${!v+x}" ] || printf 'export %s=%q\n' "$v" "${!v}" >> "$X/env"
done
echo 'export FAULTLINE_NETEM_GUEST=1' >> "$X/env"
{ printf '%q ' "$@"; echo; } > "$X/cmd.sh"
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
