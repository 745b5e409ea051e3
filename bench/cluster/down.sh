#!/usr/bin/env bash
# One command down: stops what bench/cluster/up.sh started (by the pids it wrote), drops the
# database and deletes the state directory. Safe to run twice.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/env.sh"

stop_pid() { # pidfile, name
  [[ -s "$1" ]] || return 0
  local pid
  pid=$(cat "$1")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped $2 ($pid)"
  fi
  rm -f "$1"
}

stop_pid "$STATE/haproxy.pid" haproxy
for pidfile in "$STATE"/service-*.pid; do
  [[ -e "$pidfile" ]] && stop_pid "$pidfile" "$(basename "$pidfile" .pid)"
done
[[ -s "$STATE/kafka.pid" ]] && "$here/kafka.sh" stop && log "stopped kafka"
for port in $(redis_ports); do
  stop_pid "$STATE/redis/$port/redis.pid" "redis $port"
done
psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" 2>/dev/null
rm -rf "$STATE"
log "down"
