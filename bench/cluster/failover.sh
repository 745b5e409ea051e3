#!/usr/bin/env bash
# Failover measurement against the bench/cluster topology (bench/cluster/up.sh first):
# ROUNDS times, a drop is set up through HAProxy, 10 holds are made, the Redis master owning
# the schedule's slot is killed with kill -9 while one hold a 100 ms goes on, and the time
# until a hold succeeds again is measured from outside (through HAProxy); then the killed node
# is restarted (it rejoins as a replica) and the cluster left to settle before the next round.
#   bench/cluster/failover.sh [rounds]      # prints one JSON line per round, then a summary
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/env.sh"
rounds=${1:-${ROUNDS:-5}}
[[ -e "$STATE/up" ]] || { log "not up: bench/cluster/up.sh first"; exit 1; }
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$rounds"); do
  line=$(SECRET="$SECRET" python3 "$here/failover.py" "http://127.0.0.1:$FRONT_PORT" "$REDIS_PORT" "$STATE")
  echo "round $round: $line"
  echo "$line" >> "$results"
  killed=$(echo "$line" | python3 -c 'import json,sys; print(json.load(sys.stdin)["killed_master"])')
  start_redis_node "$killed"
  # the restarted node must be known as a replica again before the next kill
  wait_for 60 cluster_ok || { log "cluster not ok after restarting $killed"; exit 1; }
  replica_back() { redis-cli -p "$killed" role | head -1 | grep -q slave && redis-cli -p "$killed" info replication | grep -q master_link_status:up; }
  wait_for 60 replica_back || { log "$killed did not come back as a replica"; exit 1; }
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
times = [r["recovered_s"] for r in rows if r["recovered_s"] is not None]
print(json.dumps({"rounds": len(rows), "recovered_s_median": statistics.median(times) if times else None,
                  "recovered_s_max": max(times) if times else None, "never_recovered": len(rows) - len(times),
                  "holds_lost": sum(r["lost"] for r in rows), "holds_before_kills": sum(r["held_before"] for r in rows)}))
PY
