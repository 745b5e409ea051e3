#!/usr/bin/env bash
# The chaos drop: builds the jar, brings the bench/cluster topology up (3 instances behind
# HAProxy, a 3 + 3 Redis Cluster, a Kafka broker, PostgreSQL), runs ChaosDropBenchmark (a
# ticket drop through HAProxy while bench/cluster/chaos.sh SEED injects faults, then the
# automatic checks), and takes the topology down again (KEEP=1 leaves it up).
#   bench/cluster/chaos-drop.sh [SEED] [extra -D options for the benchmark, e.g. -Dstagedoor.chaos.fans=3000]
# Report: target/bench/chaos-SEED.json, the chaos log target/bench/chaos-SEED.log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/env.sh"
cd "$here/../.."
seed=${1:-1}
shift || true
./mvnw -B -q package -DskipTests
# the topology's Kafka runs from the test classpath's jars: write it afresh for this build
rm -f target/bench-classpath.txt
if [[ ! -e "$STATE/up" ]]; then
  JAR=$(ls target/stagedoor-*.jar | grep -v plain | head -1) "$here/up.sh"
fi
status=0
./mvnw -B -q test -Dtest=ChaosDropBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dstagedoor.chaos.seed="$seed" -Dstagedoor.chaos.front-port="$FRONT_PORT" \
  -Dstagedoor.chaos.redis-port="$REDIS_PORT" -Dstagedoor.chaos.database="$DATABASE" "$@" || status=$?
[[ -n "${KEEP:-}" ]] || "$here/down.sh"
log "chaos drop seed $seed: $([[ $status == 0 ]] && echo 'every check passed' || echo "FAILED ($status)"); report target/bench/chaos-$seed.json"
exit "$status"
