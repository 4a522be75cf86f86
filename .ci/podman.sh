#!/usr/bin/env bash
# Rootful Podman's Docker-compatible API service for the sidecar's podman runtime tests, on Podman's standard socket,
# with the local busybox image loaded into Podman's store (no registry). Idempotent.
#   .ci/podman.sh start   starts `podman system service` unless the socket answers, loads faultline/busybox:local
#   .ci/podman.sh stop    removes the tests' containers left behind and stops the service started here
set -euo pipefail
SOCK=/run/podman/podman.sock
PIDFILE=/tmp/faultline-podman.pid
LOG=/tmp/faultline-podman.log

answers() { curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; }

start() {
  if ! answers; then
    mkdir -p "$(dirname "$SOCK")"
    rm -f "$SOCK"
    podman system service --time=0 "unix://$SOCK" >"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 50); do answers && break; sleep 0.2; done
    answers || { echo "podman system service did not answer on $SOCK:"; tail -20 "$LOG"; exit 1; }
  fi
  if ! podman image exists faultline/busybox:local; then
    docker save faultline/busybox:local | podman load -q >/dev/null
  fi
  echo "podman $(podman version -f '{{.Server.Version}}' 2>/dev/null || podman --version) on unix://$SOCK"
}

stop() {
  # the tests name their containers faultline-it-*: whatever a test that died half-way left
  podman ps -aq --filter name=faultline-it- | xargs -r podman rm -f -t 0 >/dev/null 2>&1 || true
  if [ -f "$PIDFILE" ]; then
    local pid; pid=$(cat "$PIDFILE")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"; for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$PIDFILE" "$SOCK"
  fi
  echo "podman service stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop"; exit 2 ;;
esac
