# Shared settings of the bench/cluster scripts (sourced, not run). Every value can be
# overridden from the environment.
STATE=${STATE:-/tmp/stagedoor-cluster}            # pids, logs, configs, Redis data
REDIS_PORT=${REDIS_PORT:-7100}                    # nodes on REDIS_PORT .. REDIS_PORT+5 (bus +10000)
REDIS_NODES=${REDIS_NODES:-6}                     # 3 masters + 3 replicas
NODE_TIMEOUT=${NODE_TIMEOUT:-2000}                # cluster-node-timeout, ms: failure detection
INSTANCES=${INSTANCES:-3}                         # service instances
SERVICE_PORT=${SERVICE_PORT:-8181}                # instances on SERVICE_PORT .. +INSTANCES-1
FRONT_PORT=${FRONT_PORT:-8180}                    # HAProxy, the one address clients use
KAFKA_PORT=${KAFKA_PORT:-7190}                    # the broker (bench/cluster/kafka.sh)
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-7191}
DATABASE=${DATABASE:-stagedoor_cluster}
SECRET=${SECRET:-stagedoor-test-auth-secret-0123456789abcdef}
QUEUE_SECRET=${QUEUE_SECRET:-stagedoor-bench-queue-secret-0123456789abcdef}
SERVICE_HEAP=${SERVICE_HEAP:-512m}

redis_ports() { seq "$REDIS_PORT" $((REDIS_PORT + REDIS_NODES - 1)); }
cluster_nodes() { redis_ports | sed 's/^/127.0.0.1:/' | paste -sd, -; }
service_ports() { seq "$SERVICE_PORT" $((SERVICE_PORT + INSTANCES - 1)); }
log() { printf '[cluster] %s\n' "$*"; }

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local seconds=$1; shift
  local end=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= end)); then return 1; fi
    sleep 0.2
  done
}

# Starts (or restarts, with its nodes.conf, so it rejoins as it was or as a replica) one node.
# cluster-require-full-coverage no: while one master's slots fail over, the others serve.
start_redis_node() {
  local port=$1
  mkdir -p "$STATE/redis/$port"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --cluster-enabled yes \
    --cluster-config-file nodes.conf --cluster-node-timeout "$NODE_TIMEOUT" \
    --cluster-require-full-coverage no --dir "$STATE/redis/$port" --save "" --appendonly no \
    --pidfile "$STATE/redis/$port/redis.pid" --logfile "$STATE/redis/$port/redis.log"
}

cluster_ok() {
  local port
  for port in $(redis_ports); do
    redis-cli -p "$port" cluster info 2>/dev/null | grep -q cluster_state:ok || return 1
  done
}
