#!/usr/bin/env bash
# Cold start: how fast a brand-new instance serves queue entries in its first 10 s, next to
# the rate the same JVM reaches once warm, in the same run. Each round starts the service
# (bench/start-service.sh: a fresh database and key prefix), waits until
# /actuator/health/readiness is UP (timed: the start-up cost), then at once runs
#   cold  10 s of first entries (wrk, CONNECTIONS connections, distinct users),
#   load  WARM (60 s) more entries, not counted,
#   warm  10 s of first entries,
# and stops it. Prints one line per round and the medians of cold/warm.
#
#   ./mvnw -B package -DskipTests
#   bench/cold-start.sh [rounds] [connections]               # the jar on the default java
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java JAR=target/aot/stagedoor.jar \
#     JAVA_OPTS="-Xms1g -Xmx1g -XX:AOTCache=target/aot/stagedoor.aot" bench/cold-start.sh
#
# SERVICE_ARGS adds arguments to the service (e.g. --stagedoor.warmup.duration=0s).
# Needs wrk, python3, curl. SECRET as in bench/start-service.sh.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${1:-3}
CONNECTIONS=${2:-64}
THREADS=${THREADS:-2}
WARM=${WARM:-60s}
PORT=${PORT:-8080}
BASE="http://127.0.0.1:$PORT"
SECRET=${SECRET:-stagedoor-test-auth-secret-0123456789abcdef}
work=$(mktemp -d)
service=
cleanup() {
  if [[ -n "$service" ]]; then kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

rate() { sed -E 's/.*rps=([0-9]+).*/\1/'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for round in $(seq 1 "$ROUNDS"); do
  run="cold$(date +%s)"
  python3 tokens.py 40000 "$SECRET" "${run}c" > "$work/cold.txt"
  python3 tokens.py 200000 "$SECRET" "${run}l" > "$work/load.txt"
  python3 tokens.py 150000 "$SECRET" "${run}w" > "$work/warm.txt"
  admin=$(python3 tokens.py 0 "$SECRET" "$run")

  started=$(date +%s%N)
  ./start-service.sh --server.port="$PORT" ${SERVICE_ARGS:-} > "$work/service.log" 2>&1 &
  service=$!
  until curl -sf "$BASE/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; do
    kill -0 "$service" 2>/dev/null || { echo "the service did not start:"; tail -20 "$work/service.log"; exit 1; }
    sleep 0.1
  done
  ready_ms=$(( ($(date +%s%N) - started) / 1000000 ))
  concert=$(curl -sf -X POST "$BASE/api/admin/concerts" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' -d '{"title":"Cold start","venue":"Bench"}' | sed -E 's/.*"id":([0-9]+).*/\1/')

  cold=$(TOKENS="$work/cold.txt" CONCERT=$concert THREADS=$THREADS \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -s queue-entry.lua "$BASE" | tail -1)
  TOKENS="$work/load.txt" CONCERT=$concert THREADS=$THREADS \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARM" -s queue-entry.lua "$BASE" > /dev/null
  warm=$(TOKENS="$work/warm.txt" CONCERT=$concert THREADS=$THREADS \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -s queue-entry.lua "$BASE" | tail -1)
  kill "$service"; wait "$service" 2>/dev/null || true; service=

  c=$(rate <<< "$cold"); w=$(rate <<< "$warm")
  ratio=$(awk -v c="$c" -v w="$w" 'BEGIN { printf "%.2f", c / w }')
  echo "round $round: ready in ${ready_ms} ms; cold 10 s: $cold"
  echo "round $round:                  warm 10 s: $warm"
  echo "round $round: cold/warm = $ratio"
  echo "$c" >> "$work/cold.rates"; echo "$w" >> "$work/warm.rates"; echo "$ratio" >> "$work/ratios"
  echo "$ready_ms" >> "$work/ready"
done
echo "median of $ROUNDS: ready $(median < "$work/ready") ms, cold $(median < "$work/cold.rates")/s," \
  "warm $(median < "$work/warm.rates")/s, cold/warm $(median < "$work/ratios")"
