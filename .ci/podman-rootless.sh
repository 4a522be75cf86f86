#!/usr/bin/env bash
# A rootless Podman API service beside the rootful one (.ci/podman.sh), for Pumba's rootless case
# (podman_error_handling.bats, .ci/pumba-bats-rootless.sh): a system user with subordinate IDs, its
# `podman system service` on unix:///run/user/UID/podman/podman.sock, faultline/pumba-alpine:local in its store.
# Idempotent; every command has a deadline.
#   .ci/podman-rootless.sh start   creates the user if absent, starts the service unless it answers, loads the image
#   .ci/podman-rootless.sh stop    removes the user's containers and stops the service started here
#   .ci/podman-rootless.sh socket  prints the service's URI (unix:///run/user/UID/podman/podman.sock)
set -euo pipefail
USER_NAME=faultline-rootless
SUBIDS=1000000 # 65536 subordinate IDs from here, for the user's namespace
PIDFILE=/tmp/faultline-podman-rootless.pid
LOG=/tmp/faultline-podman-rootless.log
IMAGE=faultline/pumba-alpine:local

uid() { id -u "$USER_NAME"; }
run_dir() { echo "/run/user/$(uid)"; }
sock() { echo "$(run_dir)/podman/podman.sock"; }
# podman as the user, in its own session environment (no systemd user session: cgroupfs, file events)
as_user() {
  local secs=$1; shift
  timeout -k 5 "$secs" runuser -u "$USER_NAME" -- env -i HOME="/home/$USER_NAME" USER="$USER_NAME" \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR="$(run_dir)" "$@"
}
answers() { timeout 5 curl -sf --unix-socket "$(sock)" http://d/_ping >/dev/null 2>&1; }

ensure_user() {
  local pkgs=()
  command -v newuidmap >/dev/null || pkgs+=(uidmap)
  command -v slirp4netns >/dev/null || pkgs+=(slirp4netns)
  command -v fuse-overlayfs >/dev/null || pkgs+=(fuse-overlayfs)
  if [ ${#pkgs[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y --no-install-recommends "${pkgs[@]}" >/dev/null
  fi
  id "$USER_NAME" >/dev/null 2>&1 || timeout 30 useradd --system --create-home --shell /usr/sbin/nologin "$USER_NAME"
  grep -q "^$USER_NAME:" /etc/subuid || echo "$USER_NAME:$SUBIDS:65536" >>/etc/subuid
  grep -q "^$USER_NAME:" /etc/subgid || echo "$USER_NAME:$SUBIDS:65536" >>/etc/subgid
  install -d -m 700 -o "$USER_NAME" -g "$USER_NAME" "$(run_dir)" "$(run_dir)/podman"
  # no systemd user session for a system user: cgroupfs and file events, ulimits it may keep (as in .ci/pumba-bats.sh)
  install -d -m 755 -o "$USER_NAME" -g "$USER_NAME" "/home/$USER_NAME/.config/containers"
  cat >"/home/$USER_NAME/.config/containers/containers.conf" <<'EOF'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
stop_timeout = 0
EOF
  chown "$USER_NAME:$USER_NAME" "/home/$USER_NAME/.config/containers/containers.conf"
}

start() {
  ensure_user
  if ! answers; then
    rm -f "$(sock)"
    local t0=$SECONDS
    # the service runs until `stop` (--time=0); setsid: it outlives this script's process group
    setsid runuser -u "$USER_NAME" -- env -i HOME="/home/$USER_NAME" USER="$USER_NAME" \
      PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR="$(run_dir)" \
      podman system service --time=0 "unix://$(sock)" >"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 150); do answers && break; kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break; sleep 0.2; done
    answers || { echo "rootless podman system service did not answer on $(sock) in 30 s:"; tail -20 "$LOG"; exit 1; }
    echo "rootless podman service answered in $((SECONDS - t0)) s"
  fi
  if ! as_user 30 podman image exists "$IMAGE"; then
    timeout 120 docker save "$IMAGE" | as_user 120 podman load -q >/dev/null
    # podman names a loaded image localhost/…; the case runs it as faultline/pumba-alpine:local, which resolves so
  fi
  echo "podman $(as_user 30 podman version -f '{{.Server.Version}}') rootless=$(as_user 30 podman info -f '{{.Host.Security.Rootless}}') on unix://$(sock)"
}

stop() {
  if id "$USER_NAME" >/dev/null 2>&1 && answers; then
    as_user 60 podman ps -aq | xargs -r -n 20 timeout 60 runuser -u "$USER_NAME" -- env -i HOME="/home/$USER_NAME" \
      XDG_RUNTIME_DIR="$(run_dir)" PATH=/usr/sbin:/usr/bin:/sbin:/bin podman rm -f -t 0 >/dev/null 2>&1 || true
  fi
  if [ -f "$PIDFILE" ]; then
    local pid; pid=$(cat "$PIDFILE")
    # runuser's child is the service: end the session runuser leads (setsid made it a group of its own)
    if kill -0 "$pid" 2>/dev/null; then
      kill -- -"$pid" 2>/dev/null || kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 -- -"$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
  fi
  if id "$USER_NAME" >/dev/null 2>&1; then
    # what the service left: its pause process (holds the user namespace), conmon of removed containers
    timeout 10 pkill -u "$USER_NAME" 2>/dev/null || true
    rm -f "$(sock)"
  fi
  echo "rootless podman service stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  socket) echo "unix://$(sock)" ;;
  *) echo "usage: $0 start|stop|socket"; exit 2 ;;
esac
