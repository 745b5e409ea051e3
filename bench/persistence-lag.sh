#!/usr/bin/env bash
# Persistence lag at a steady hold rate (default ≈ 1,000 holds/s = 1,000 events/s):
#   bench/start-kafka.sh &
#   bench/start-service.sh --spring.kafka.bootstrap-servers=$(cat target/bench-kafka.txt) &
#   bench/persistence-lag.sh [base-url] [fans] [connections] [delay-ms]
set -euo pipefail
cd "$(dirname "$0")"
BASE=${1:-http://localhost:8080}
FANS=${2:-20000}
CONNECTIONS=${3:-20}
DELAY=${4:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
drop=$(python3 drop_setup.py "$BASE" "$FANS" 100 0 "$work/fans.tsv")
start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "== $CONNECTIONS connections, each pausing ${DELAY} ms between holds, 15 s"
FANS="$work/fans.tsv" SCHEDULE=$(echo "$drop" | sed -E 's/.*"schedule": ([0-9]+).*/\1/') THREADS=2 DELAY_MS=$DELAY \
  wrk -t2 -c"$CONNECTIONS" -d15s -s holds.lua "$BASE" | tail -1
sleep 5 # let the pipeline drain before measuring (the query only reads committed rows)
psql -h 127.0.0.1 -U postgres -d stagedoor_bench -v since="$start" -f persistence-lag.sql
