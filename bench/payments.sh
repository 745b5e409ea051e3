#!/usr/bin/env bash
# Charges per second and payments per second against a running Stagedoor.
#   ./mvnw -B package -DskipTests && bench/start-service.sh &
#   bench/payments.sh [base-url] [fans, 20,000 at most (one schedule)]
# Every charge has a new Idempotency-Key; every payment is the first payment of a distinct
# HELD reservation whose owner has enough points (paid = requests when so).
set -euo pipefail
cd "$(dirname "$0")"
BASE=${1:-http://localhost:8080}
FANS=${2:-20000}
THREADS=${THREADS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== setting up $FANS admitted fans, each with 1,000 points and one held seat"
drop=$(python3 drop_setup.py "$BASE" "$FANS" 100 0 "$work/fans.tsv")
schedule=$(echo "$drop" | sed -E 's/.*"schedule": ([0-9]+).*/\1/')
python3 payments_setup.py "$BASE" "$work/fans.tsv" "$work/reservations.tsv" "$schedule"

echo "== warm-up: charges, ${WARMUP:-30s}, not counted"
FANS="$work/fans.tsv" RUN=warm-$RANDOM THREADS=$THREADS wrk -t"$THREADS" -c64 -d"${WARMUP:-30s}" -s charges.lua "$BASE" | tail -1
echo "== charges: 1 point each, a new key each, 64 connections, 10 s"
FANS="$work/fans.tsv" RUN=run-$RANDOM THREADS=$THREADS wrk -t"$THREADS" -c64 -d10s -s charges.lua "$BASE" | tail -1
# the warm-up gets reservations 1-6,000 and each run the next FANS/3-2,000 (4,666 of
# 20,000 fans): a run is valid while requests stay below that (every request then is the
# first payment of its reservation; a repeat would answer 200 without a debit)
echo "== payments warm-up: 3 s, not counted"
RESERVATIONS="$work/reservations.tsv" THREADS=$THREADS wrk -t"$THREADS" -c64 -d3s -s payments.lua "$BASE" | tail -1
window=$(( (FANS - 6000) / 3 ))
for run in 0 1 2; do
  echo "== payments run $((run + 1)): each request pays a different reservation, 64 connections, 2 s (valid below $window requests)"
  RESERVATIONS="$work/reservations.tsv" LINE_OFFSET=$((6000 + run * window)) THREADS=$THREADS \
    wrk -t"$THREADS" -c64 -d2s -s payments.lua "$BASE" | tail -1
done
