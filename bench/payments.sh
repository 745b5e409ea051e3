#!/usr/bin/env bash
# Charges per second and payments per second against a running Stagedoor.
#   ./mvnw -B package -DskipTests && bench/start-service.sh &
#   bench/payments.sh [base-url] [fans]
# Every charge has a new Idempotency-Key; every payment is the first payment of a distinct
# HELD reservation whose owner has enough points (paid = requests when so).
set -euo pipefail
cd "$(dirname "$0")"
BASE=${1:-http://localhost:8080}
FANS=${2:-10000}
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
echo "== payments: each request pays a different reservation, 64 connections, ${PAY_SECONDS:-4}s"
RESERVATIONS="$work/reservations.tsv" THREADS=$THREADS wrk -t"$THREADS" -c64 -d"${PAY_SECONDS:-4}s" -s payments.lua "$BASE" | tail -1
