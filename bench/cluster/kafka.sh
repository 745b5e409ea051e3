#!/usr/bin/env bash
# The bench/cluster topology's Kafka: a real single-node KRaft broker (kafka.Kafka from the
# Maven jars of the test classpath) on a fixed port with its log under $STATE/kafka, so it can
# be stopped and started again with its data, as an operator restarting a broker would (the
# chaos drop does). up.sh starts it; down.sh stops it.
#   bench/cluster/kafka.sh start | stop (SIGTERM, a clean shutdown) | kill (kill -9)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/env.sh"
cd "$here/../.."
dir="$STATE/kafka"
pidfile="$STATE/kafka.pid"
classpath() {
  if [[ ! -s target/bench-classpath.txt ]]; then
    ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
  fi
  cat target/bench-classpath.txt
}
accepting() { (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; }

case "${1:-}" in
  start)
    if [[ -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "kafka already running"
      exit 0
    fi
    mkdir -p "$dir"
    if [[ ! -e "$dir/server.properties" ]]; then
      cat > "$dir/server.properties" <<CFG
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
CFG
      java -cp "$(classpath)" kafka.tools.StorageTool format -t "$(tr -d - < /proc/sys/kernel/random/uuid | cut -c1-22)" \
        -c "$dir/server.properties" >> "$dir/kafka.log" 2>&1
    fi
    setsid java -Xms256m -Xmx512m -cp "$(classpath)" kafka.Kafka "$dir/server.properties" >> "$dir/kafka.log" 2>&1 &
    echo $! > "$pidfile"
    wait_for 120 accepting || { log "Kafka did not start (see $dir/kafka.log)"; exit 1; }
    echo "127.0.0.1:$KAFKA_PORT" > "$STATE/kafka.address"
    ;;
  stop | kill)
    [[ -s "$pidfile" ]] || exit 0
    pid=$(cat "$pidfile")
    if [[ $1 == kill ]]; then
      kill -9 "$pid" 2>/dev/null || true
    else
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
    ;;
  *)
    echo "usage: $0 start|stop|kill" >&2
    exit 2
    ;;
esac
