#!/usr/bin/env bash
# Queue-entry throughput and latency of a running Stagedoor, next to the raw Redis rate of
# the same enter script (redis-benchmark, EVALSHA) measured in the same session.
#
#   ./mvnw spring-boot:test-run            # in another terminal
#   bench/queue-entry.sh [base-url] [duration] [connections]
#
# Needs wrk and redis-benchmark (Debian: wrk, redis-tools). SECRET defaults to the dev secret
# of the test infrastructure; REDIS_HOST/REDIS_PORT point redis-benchmark at the same Redis.
set -euo pipefail
cd "$(dirname "$0")"
BASE=${1:-http://localhost:8080}
DURATION=${2:-30s}
WARMUP=${WARMUP:-90s}
CONNECTIONS=${3:-64}
THREADS=${THREADS:-2}
USERS=${USERS:-300000}
SECRET=${SECRET:-stagedoor-test-auth-secret-0123456789abcdef}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

admin=$(python3 tokens.py 0 "$SECRET")
concert=$(curl -sf -X POST "$BASE/api/admin/concerts" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"title":"Benchmark drop","venue":"Bench"}' | sed -E 's/.*"id":([0-9]+).*/\1/')
run=$(date +%s)
python3 tokens.py "$USERS" "$SECRET" "bench$run" > "$work/tokens.txt"
echo "concert $concert, $USERS distinct users, $CONNECTIONS connections, $THREADS wrk threads, $DURATION"

echo "== warm-up ($WARMUP, not counted; the JIT needs minutes on a slow 2-core machine)"
TOKENS="$work/tokens.txt" CONCERT=$concert THREADS=$THREADS \
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s queue-entry.lua "$BASE" | tail -1
# fresh users for the measured run
python3 tokens.py "$USERS" "$SECRET" "bench${run}m" > "$work/tokens.txt"
echo "== HTTP: POST /api/concerts/$concert/queue"
TOKENS="$work/tokens.txt" CONCERT=$concert THREADS=$THREADS \
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s queue-entry.lua "$BASE" | tail -1

echo "== Redis: EVALSHA enter_queue.lua (redis-benchmark, 50 clients, random users)"
# the script as the service sends it: the lua/lib prelude (LuaScripts.PRELUDE, in its order), then the file
lua=../src/main/resources/lua
source_text=$(for lib in clock buckets events units reservation waiting; do cat "$lua/lib/$lib.lua"; echo; done; cat "$lua/enter_queue.lua")
sha=$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" SCRIPT LOAD "$source_text")
root="bench$run:{c:0}"
keys=("$root:cfg" "$root:waiting" "$root:seen" "$root:active" "$root:seq" "$root:admits" "$root:entries" "$root:ub" "$root:ab")
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" HSET "$root:cfg" open 1 > /dev/null
# ARGV: user, admits/s, maxActive, active TTL ms, no per-address cap, both entry buckets off
redis-benchmark -h "$REDIS_HOST" -p "$REDIS_PORT" -n 300000 -c 50 -r 100000000 -q \
  EVALSHA "$sha" 9 "${keys[@]}" "user:__rand_int__" 100 1000 600000 0 0 0 0 0 | tr "\r" "\n" | tail -1
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" DEL "${keys[@]}" > /dev/null
