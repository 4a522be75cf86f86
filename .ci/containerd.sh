#!/usr/bin/env bash
# A private containerd with its CRI plugin, for the sidecar's CRI tests (issue 11). It runs beside the containerd
# that Docker uses and shares nothing with it: its own config, root, state, sockets, runc root and CNI bridge.
#   .ci/containerd.sh start   idempotent; prints the endpoint
#   .ci/containerd.sh stop    stops what start (and the tests, if they died half-way) left: pods, shims, mounts,
#                             the bridge, cgroups, root and state
# Socket: unix:///run/faultline-cri/containerd.sock (what CriRuntimeIT talks to). Images: localhost/faultline/pause:local
# (the sandbox image) and localhost/faultline/busybox:local, built here FROM scratch with Debian's static busybox and
# imported with ctr: no registry and no Docker needed.
set -euo pipefail

STATE=/run/faultline-cri            # containerd state: sockets, runc root, shim bundles
ROOT=/var/lib/faultline-cri         # containerd root: content, snapshots, CNI leases
ETC=/tmp/faultline-cri              # config, CNI config, log, pid file, image archives
SOCK=$STATE/containerd.sock
BRIDGE=fl-cri0
NET=faultline-cri
SUBNET=10.244.78                    # pods only; no masquerade, so nothing leaves this machine
CGROUP_TOP=faultline-cri            # the tests put their pods under /faultline-cri/pod<uid>
PAUSE=localhost/faultline/pause:local
BUSYBOX=localhost/faultline/busybox:local

up() { [ -S "$SOCK" ] && ctr -a "$SOCK" version >/dev/null 2>&1; }

start_containerd() {
  nohup containerd --config "$ETC/config.toml" >>"$ETC/containerd.log" 2>&1 &
  echo $! >"$ETC/containerd.pid"
  for _ in $(seq 1 100); do up && return 0; sleep 0.1; done
  echo "containerd did not answer on $SOCK within 10 s:"; tail -30 "$ETC/containerd.log"; return 1
}

write_config() {
  # cgroupfs unless PID 1 is systemd on a pure cgroup v2 host (what kubelet would pick there)
  local systemd=false
  [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && [ "$(cat /proc/1/comm)" = systemd ] && systemd=true
  # The sandbox is created with oom_score_adj -998, as kubelet asks; lowering it needs CAP_SYS_RESOURCE, which root in
  # a container (CI's machines) lacks: runc then fails with "can't get final child's PID from pipe: EOF".
  # restrict_oom_score_adj clamps it to containerd's own score instead.
  local restrict=false
  sh -c 'echo $(( $(cat /proc/self/oom_score_adj) - 1 )) > /proc/self/oom_score_adj' 2>/dev/null || restrict=true
  local snap=overlayfs; grep -qw overlay /proc/filesystems || snap=native
  mkdir -p "$ETC/net.d" "$ROOT" "$STATE"
  cat >"$ETC/config.toml" <<TOML
version = 2
root = "$ROOT"
state = "$STATE"
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
                    "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$STATE/containerd.sock.ttrpc"
[debug]
  address = "$STATE/debug.sock"
  level = "info"
[metrics]
  address = ""
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$ROOT/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$PAUSE"
    disable_apparmor = true
    restrict_oom_score_adj = $restrict
    enable_selinux = false
    disable_tcp_service = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "$snap"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          BinaryName = "$(command -v runc)"
          Root = "$STATE/runc"
          SystemdCgroup = $systemd
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$ETC/net.d"
      max_conf_num = 1
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = ""
TOML
  cat >"$ETC/net.d/10-$NET.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "$NET",
  "plugins": [{
    "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
    "ipam": {"type": "host-local", "dataDir": "$ROOT/cni-ipam",
             "ranges": [[{"subnet": "$SUBNET.0/24", "gateway": "$SUBNET.1"}]], "routes": [{"dst": "$SUBNET.0/24"}]}
  }]
}
JSON
  echo "snapshotter=$snap SystemdCgroup=$systemd restrict_oom_score_adj=$restrict" >"$ETC/facts"
}

# A docker-archive (what `docker save` writes, and `ctr images import` reads) built by hand: one layer with the static
# busybox and its applet links, and a config. The pause image's PID 1 sleeps until TERM, as the real pause does.
build_images() {
  # the image has no libc: only the static busybox works in it
  [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 \
    || { echo "/bin/busybox must be Debian's busybox-static (.ci/install.sh)"; return 1; }
  local dir; dir=$(mktemp -d)
  mkdir -p "$dir/rootfs/bin" "$dir/rootfs/tmp" "$dir/rootfs/etc" "$dir/rootfs/www"
  cp /bin/busybox "$dir/rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$dir/rootfs/bin/$applet"; done
  echo 'root:x:0:0:root:/:/bin/sh' >"$dir/rootfs/etc/passwd"; echo 'root:x:0:' >"$dir/rootfs/etc/group"
  echo 'hello from faultline-cri' >"$dir/rootfs/www/index.html"
  chmod 1777 "$dir/rootfs/tmp"
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$dir/rootfs" -cf "$dir/layer.tar" .
  local diff; diff=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  archive() { # name, config "config" object
    local out=$ETC/images/$1.tar work; work=$(mktemp -d)
    cp "$dir/layer.tar" "$work/layer.tar"
    printf '{"architecture":"amd64","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
      "$3" "$diff" >"$work/config.json"
    printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]}]' "$2" >"$work/manifest.json"
    tar -C "$work" -cf "$out" manifest.json config.json layer.tar
    rm -rf "$work"
  }
  mkdir -p "$ETC/images"
  archive busybox "$BUSYBOX" '{"Env":["PATH=/bin"],"Cmd":["/bin/sh"]}'
  archive pause "$PAUSE" '{"Env":["PATH=/bin"],"Entrypoint":["/bin/sh","-c","trap \"exit 0\" TERM INT; while :; do sleep 3600 & wait $!; done"]}'
  rm -rf "$dir"
}

start() {
  for cmd in containerd ctr runc; do command -v "$cmd" >/dev/null || { echo "$cmd missing (.ci/install.sh)"; exit 1; }; done
  [ -x /usr/lib/cni/bridge ] || { echo "containernetworking-plugins missing (.ci/install.sh)"; exit 1; }
  if up; then echo "faultline-cri containerd already up: unix://$SOCK"; return 0; fi
  mkdir -p "$ETC"
  write_config
  local t0; t0=$(date +%s%N)
  start_containerd
  # the CRI plugin loads after the socket answers; a CRI that failed to load would only show in the tests
  ctr -a "$SOCK" plugins ls | grep -E 'io\.containerd\.grpc\.v1 +cri +.* ok' >/dev/null \
    || { echo "containerd's CRI plugin did not load:"; grep -i cri "$ETC/containerd.log" | tail -10; exit 1; }
  [ -f "$ETC/images/pause.tar" ] && [ -f "$ETC/images/busybox.tar" ] || build_images
  local snap; snap=$(sed -n 's/.*snapshotter=\([a-z]*\).*/\1/p' "$ETC/facts")
  for img in pause busybox; do ctr -a "$SOCK" -n k8s.io images import --snapshotter "$snap" "$ETC/images/$img.tar" >/dev/null; done
  printf 'faultline-cri containerd up in %d ms: unix://%s (%s; images %s)\n' $(( ($(date +%s%N) - t0) / 1000000 )) \
    "$SOCK" "$(cat "$ETC/facts")" "$(ctr -a "$SOCK" -n k8s.io images ls -q | tr '\n' ' ')"
}

stop() {
  set +e
  # containerd died with pods left? Start it again on the same root and state: it reconnects to the surviving shims,
  # so their tasks can be killed and their netns found below.
  if ! up && [ -f "$ETC/config.toml" ] && [ -d "$ROOT" ]; then start_containerd || true; fi
  local netns=() ids=()
  if up; then
    for ns in $(ctr -a "$SOCK" namespaces ls -q); do
      for c in $(ctr -a "$SOCK" -n "$ns" containers ls -q); do
        ids+=("$c")
        # a sandbox's network namespace is a bind mount under /run/netns that only CRI's own teardown removes
        while read -r p; do netns+=("$p"); done < <(ctr -a "$SOCK" -n "$ns" containers info "$c" 2>/dev/null \
          | grep -o '"path": *"/[^"]*netns/cni-[^"]*"' | sed 's/.*"\(\/[^"]*\)"$/\1/')
      done
      for t in $(ctr -a "$SOCK" -n "$ns" tasks ls -q); do ctr -a "$SOCK" -n "$ns" tasks kill -a -s SIGKILL "$t" >/dev/null 2>&1; done
      sleep 0.3
      for t in $(ctr -a "$SOCK" -n "$ns" tasks ls -q); do ctr -a "$SOCK" -n "$ns" tasks delete -f "$t" >/dev/null 2>&1; done
      for c in $(ctr -a "$SOCK" -n "$ns" containers ls -q); do ctr -a "$SOCK" -n "$ns" containers delete "$c" >/dev/null 2>&1; done
    done
  fi
  if [ -f "$ETC/containerd.pid" ]; then
    local pid; pid=$(cat "$ETC/containerd.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"; for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$ETC/containerd.pid"
  fi
  # shims of ours (their command line names our socket) and anything left in our pods' cgroups, by PID
  for p in /proc/[0-9]*; do
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- "-address $SOCK " && kill -9 "${p#/proc/}" 2>/dev/null
  done
  for f in $(find /sys/fs/cgroup/freezer/$CGROUP_TOP -name freezer.state 2>/dev/null); do echo THAWED >"$f"; done
  for f in $(find /sys/fs/cgroup/$CGROUP_TOP /sys/fs/cgroup/*/$CGROUP_TOP -name cgroup.freeze 2>/dev/null); do echo 0 >"$f"; done
  for f in $(find /sys/fs/cgroup/$CGROUP_TOP /sys/fs/cgroup/*/$CGROUP_TOP -name cgroup.procs 2>/dev/null); do
    for pid in $(cat "$f"); do kill -9 "$pid" 2>/dev/null; done
  done
  sleep 0.2
  # mounts under our dirs (rootfs, shm), deepest first, and the netns of our sandboxes
  grep -E " ($STATE|$ROOT)[/ ]" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m"; done
  for p in "${netns[@]}"; do umount -l "$p" 2>/dev/null; rm -f "$p"; done
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE"
  for d in /sys/fs/cgroup/$CGROUP_TOP /sys/fs/cgroup/*/$CGROUP_TOP; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null; done
  # libcni's result cache, for our network and for the loopback of our sandboxes
  rm -f /var/lib/cni/results/$NET-* 2>/dev/null
  for c in "${ids[@]}"; do rm -f /var/lib/cni/results/cni-loopback-"$c"-* 2>/dev/null; done
  rm -rf "$STATE" "$ROOT"
  set -e
  echo "faultline-cri containerd stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop"; exit 2 ;;
esac
