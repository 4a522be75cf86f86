#!/usr/bin/env bash
# A second Docker engine that listens on tcp://127.0.0.1:23760 with TLS (--tlsverify), for the sidecar's test of its
# docker-java path (TlsEngineIT). It runs beside the main engine and shares nothing with it: its own data root, exec
# root (and so its own managed containerd), pid file, unix socket, config and bridge (fl-tls0); no iptables rules.
# Never --bridge none: a dockerd started so deletes docker0, the main engine's bridge, from the host.
#   .ci/docker-tls.sh start   idempotent; makes a CA, server and client certificates, starts the engine, loads busybox
#   .ci/docker-tls.sh stop    removes its containers, stops it, removes its data
# The client side, as the docker CLI takes it: DOCKER_HOST=tcp://127.0.0.1:23760 DOCKER_TLS_VERIFY=1
# DOCKER_CERT_PATH=/run/faultline-docker-tls/etc/client (ca.pem, cert.pem, key.pem).
# Keys, CA and log live under /run in a directory only root can enter (made here, mode 0700, refused if it exists
# owned by anyone else): a CA someone else could plant or read would give root over the engine's port.
set -euo pipefail
umask 077

PORT=23760
RUN=/run/faultline-docker-tls          # exec root, pid file, unix socket
ETC=$RUN/etc                           # certificates, config, log
DATA=/var/lib/faultline-docker-tls     # images and containers
SOCK=$RUN/docker.sock
BUSYBOX=faultline/busybox:local
BRIDGE=fl-tls0
SUBNET=10.244.79                       # its containers only; no masquerade, so nothing leaves this machine

up() { [ -S "$SOCK" ] && docker -H "unix://$SOCK" version >/dev/null 2>&1; }

private_dir() { # $1 made by us for root alone, or refused
  [ -e "$1" ] || mkdir -m 700 "$1"
  [ -d "$1" ] && [ ! -L "$1" ] && [ "$(stat -c %u "$1")" = 0 ] || { echo "$1 is not a directory of root's own" >&2; exit 1; }
  chmod 700 "$1"
}

certificates() {
  private_dir "$RUN"
  private_dir "$ETC"
  [ -f "$ETC/client/key.pem" ] && return 0
  mkdir -p "$ETC/server" "$ETC/client"
  cd "$ETC"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=faultline test CA" -keyout ca-key.pem -out ca.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server/key.pem -out server.csr 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile server.ext \
    -out server/cert.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=faultline test client" -keyout client/key.pem -out client.csr 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >client.ext
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.ext \
    -out client/cert.pem 2>/dev/null
  cp ca.pem server/ca.pem
  cp ca.pem client/ca.pem
  chmod 600 ca-key.pem server/key.pem client/key.pem
  cd - >/dev/null
}

start() {
  if up; then echo "tcp://127.0.0.1:$PORT"; return 0; fi
  certificates
  mkdir -p "$DATA"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$SUBNET.1/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
  fi
  echo '{}' >"$ETC/daemon.json" # not /etc/docker/daemon.json: its "hosts" or "data-root" belong to the main engine
  nohup dockerd --config-file "$ETC/daemon.json" --data-root "$DATA" --exec-root "$RUN/exec" --pidfile "$RUN/dockerd.pid" \
    -H "unix://$SOCK" -H "tcp://127.0.0.1:$PORT" --tlsverify --tlscacert "$ETC/server/ca.pem" \
    --tlscert "$ETC/server/cert.pem" --tlskey "$ETC/server/key.pem" \
    --bridge "$BRIDGE" --iptables=false --ip-masq=false --userland-proxy=false >>"$ETC/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do up && break; sleep 1; done
  up || { echo "the TLS dockerd did not answer on $SOCK within 60 s:"; tail -30 "$ETC/dockerd.log"; return 1; }
  docker -H "unix://$SOCK" image inspect "$BUSYBOX" >/dev/null 2>&1 \
    || docker save "$BUSYBOX" | docker -H "unix://$SOCK" load -q >/dev/null
  echo "tcp://127.0.0.1:$PORT"
}

stop() {
  if up; then
    ids=$(docker -H "unix://$SOCK" ps -aq)
    [ -z "$ids" ] || docker -H "unix://$SOCK" rm -f $ids >/dev/null
  fi
  if [ -f "$RUN/dockerd.pid" ]; then
    pid=$(cat "$RUN/dockerd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  ip link del "$BRIDGE" 2>/dev/null || true
  # dockerd bind-mounts its data root onto itself (and its containers' layers below it); one that did not end
  # cleanly leaves those mounts, and rm would stop at them ("Device or resource busy")
  grep -q " $DATA" /proc/self/mountinfo && umount -R -l "$DATA" 2>/dev/null || true
  rm -rf "$DATA" "$RUN"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
