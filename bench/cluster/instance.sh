#!/usr/bin/env bash
# Starts or kills one service instance of the bench/cluster topology (up.sh uses it; the
# failover and chaos scripts kill and restart instances with it).
#   bench/cluster/instance.sh start PORT | kill PORT (kill -9) | stop PORT (SIGTERM)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/env.sh"
action=$1
port=$2
pidfile="$STATE/service-$port.pid"
case "$action" in
  start)
    setsid java "-Xms$SERVICE_HEAP" "-Xmx$SERVICE_HEAP" -jar "$STATE/stagedoor.jar" \
      --server.port="$port" \
      --spring.data.redis.cluster.nodes="$(cluster_nodes)" --spring.data.redis.cluster.max-redirects=3 \
      --spring.kafka.bootstrap-servers="$(cat "$STATE/kafka.address")" \
      --spring.r2dbc.url="r2dbc:postgresql://127.0.0.1:5432/$DATABASE" --spring.r2dbc.username=postgres \
      --spring.flyway.url="jdbc:postgresql://127.0.0.1:5432/$DATABASE" --spring.flyway.user=postgres \
      --stagedoor.auth.jwt-secret="$SECRET" --stagedoor.queue.token-secret="$QUEUE_SECRET" \
      `# every bench fan comes from 127.0.0.1: the per-address limits off, as in bench/start-service.sh` \
      --stagedoor.queue.max-entries-per-address-per-minute=0 \
      --stagedoor.rate-limit.queue.per-address.capacity=0 --stagedoor.rate-limit.seats.per-address.capacity=0 \
      --stagedoor.rate-limit.holds.per-address.capacity=0 --stagedoor.rate-limit.payments.per-address.capacity=0 \
      --stagedoor.rate-limit.charges.per-address.capacity=0 \
      --logging.level.root=warn >> "$STATE/service-$port.log" 2>&1 &
    echo $! > "$pidfile"
    ;;
  kill | stop)
    [[ -s "$pidfile" ]] || exit 0
    signal=$([[ $action == kill ]] && echo KILL || echo TERM)
    kill -s "$signal" "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
    ;;
  *)
    echo "usage: $0 start|kill|stop PORT" >&2
    exit 2
    ;;
esac
