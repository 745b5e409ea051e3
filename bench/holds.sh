#!/usr/bin/env bash
# Hold throughput over spread seats, and hot-seat latency, against a running Stagedoor.
#   ./mvnw -B package -DskipTests && bench/start-service.sh &
#   bench/holds.sh [base-url] [fans]
# Needs wrk, hey and python3. Run queue-entry.sh (or any load) first so the JIT is warm.
set -euo pipefail
cd "$(dirname "$0")"
BASE=${1:-http://localhost:8080}
FANS=${2:-20000}
THREADS=${THREADS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== warm-up: 2,000 fans, holds then repeated holds (409), ${WARMUP:-60s}, not counted"
warm=$(python3 drop_setup.py "$BASE" 2000 100 0 "$work/warm.tsv")
FANS="$work/warm.tsv" SCHEDULE=$(echo "$warm" | sed -E 's/.*"schedule": ([0-9]+).*/\1/') THREADS=$THREADS \
  wrk -t"$THREADS" -c64 -d"${WARMUP:-60s}" -s holds.lua "$BASE" | tail -1
echo "== setting up $FANS admitted fans on $FANS seats"
spread=$(python3 drop_setup.py "$BASE" "$FANS" 100 0 "$work/spread.tsv")
# 4 s is shorter than $FANS holds take at up to FANS/4 per second, so every request is a
# first hold of a free seat (created = requests when so)
echo "== spread: each fan holds a different seat, 64 connections, 4 s"
FANS="$work/spread.tsv" SCHEDULE=$(echo "$spread" | sed -E 's/.*"schedule": ([0-9]+).*/\1/') THREADS=$THREADS \
  wrk -t"$THREADS" -c64 -d4s -s holds.lua "$BASE" | tail -1

echo "== hot seat: 1,000 concurrent holds of one seat (hey -n 1000 -c 1000)"
hot=$(python3 drop_setup.py "$BASE" 1 10 1 "$work/hot.tsv")
IFS=$'\t' read -r bearer queue seat < "$work/hot.tsv"
schedule=$(echo "$hot" | sed -E 's/.*"schedule": ([0-9]+).*/\1/')
for round in 1 2 3; do
  hey -n 1000 -c 1000 -m POST -H "Authorization: Bearer $bearer" -H "Queue-Token: $queue" \
    -T application/json -d "{\"seatIds\":[$seat]}" "$BASE/api/schedules/$schedule/reservations" \
    | grep -E "Requests/sec|99% in|50% in|\[201\]|\[409\]" | tr -s ' ' | paste -sd ' ' | sed "s/^/round $round: /"
done
