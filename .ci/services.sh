#!/usr/bin/env bash
# Start the real servers the tests talk to, on loopback: Docker engine, PostgreSQL, Redis, and a private containerd
# with CRI (.ci/containerd.sh; .ci/run stops it at exit). Idempotent.
set -euo pipefail

if ! docker info >/dev/null 2>&1; then
  (dockerd >/tmp/faultline-dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start:"; tail -20 /tmp/faultline-dockerd.log; exit 1; }
fi

pgver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q online; then
  pg_lsclusters -h | grep -q . || pg_createcluster "$pgver" main
  pg_ctlcluster "$pgver" main start
fi
for _ in $(seq 1 30); do su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break; sleep 1; done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='faultline'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role faultline login password 'faultline'\""
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='faultline'\"" | grep -q 1 \
  || su postgres -c "createdb -O faultline faultline"

if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no
fi
bash "$(dirname "$0")/containerd.sh" start
echo "services up: docker $(docker info -f '{{.ServerVersion}}'), postgresql $pgver, redis $(redis-cli -h 127.0.0.1 ping)"
