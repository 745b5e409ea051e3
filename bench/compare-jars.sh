#!/usr/bin/env bash
# Before/after on the same machine in the same session: runs queue-entry.sh and holds.sh
# against two builds of the service, alternating A B A B ... so a drift of the VM's speed
# hits both alike. Each round starts the jar afresh (bench/start-service.sh: fresh database,
# per-address limits off), waits for readiness, runs both benchmarks and stops it.
#   bench/compare-jars.sh BEFORE.jar AFTER.jar [ROUNDS]     # e.g. a jar built from an older commit
# Prints one line per benchmark and round (rps, p50/p90/p99 in ms, and for holds created/conflicts); the medians are for the reader. Needs wrk, hey,
# redis-benchmark and python3, and nothing else listening on 8080. HOLDS=0 runs the queue entries
# only (a round then takes ~2.5 min instead of ~9: holds.sh sets up its fans through the API).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
before=${1:?usage: compare-jars.sh BEFORE.jar AFTER.jar [ROUNDS]}
after=${2:?usage: compare-jars.sh BEFORE.jar AFTER.jar [ROUNDS]}
rounds=${3:-3}
base=http://127.0.0.1:8080
out=$(mktemp -d)

run_one() {
  local label=$1 jar=$2 round=$3
  JAR="$jar" "$here/start-service.sh" > "$out/$label-$round.service.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$base/actuator/health/readiness" 2>/dev/null && break
    sleep 1
  done
  curl -fsS -o /dev/null "$base/actuator/health/readiness" || { echo "$label: not ready (see $out)"; kill "$pid"; exit 1; }
  WARMUP=${WARMUP:-30s} "$here/queue-entry.sh" "$base" "${DURATION:-20s}" 64 > "$out/$label-$round.entry.txt" 2>&1
  if [[ "${HOLDS:-1}" != 0 ]]; then
    WARMUP=${HOLD_WARMUP:-20s} "$here/holds.sh" "$base" "${FANS:-10000}" > "$out/$label-$round.holds.txt" 2>&1
  fi
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  # the summary lines of wrk (wrk_common.lua): the measured entry run follows its "== HTTP" header,
  # the spread holds their "== spread" header
  printf '%-6s round %s  queue entry: %s\n' "$label" "$round" "$(grep -A1 '^== HTTP' "$out/$label-$round.entry.txt" | tail -1)"
  printf '%-6s round %s  raw Redis: %s\n' "$label" "$round" "$(grep -A1 '^== Redis' "$out/$label-$round.entry.txt" | tail -1 | sed 's/.*: //')"
  if [[ "${HOLDS:-1}" != 0 ]]; then
    printf '%-6s round %s  spread holds: %s\n' "$label" "$round" "$(grep -A1 '^== spread' "$out/$label-$round.holds.txt" | tail -1)"
  fi
}

for round in $(seq 1 "$rounds"); do
  run_one before "$before" "$round"
  run_one after "$after" "$round"
done
echo "raw output in $out"
