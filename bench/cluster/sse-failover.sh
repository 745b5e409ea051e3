#!/usr/bin/env bash
# An event stream through HAProxy survives the loss of the instance serving it: a fan follows
# a reservation's stream, that instance is killed with kill -9 and the fan pays; the stream,
# reconnected with Last-Event-ID to another instance, must deliver every transition once, in
# order. Then the killed instance is restarted. Needs bench/cluster/up.sh with INSTANCES >= 2.
#   bench/cluster/sse-failover.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/env.sh"
[[ -e "$STATE/up" ]] || { log "not up: bench/cluster/up.sh first"; exit 1; }
ports=$(ls "$STATE"/service-*.pid | sed -E 's/.*service-([0-9]+)\.pid/\1/')
(( $(echo "$ports" | wc -w) >= 2 )) || { log "needs 2 instances or more (INSTANCES=2 bench/cluster/up.sh)"; exit 1; }
# the kill command the stream client calls with the port it found: kill -9, port noted
killer=$(mktemp)
trap 'rm -f "$killer"' EXIT
printf '#!/usr/bin/env bash\n"%s/instance.sh" kill "$1"\necho "$1" > "%s/sse-killed"\n' "$here" "$STATE" > "$killer"
chmod +x "$killer"
# shellcheck disable=SC2086
SECRET="$SECRET" python3 "$here/sse_failover.py" "http://127.0.0.1:$FRONT_PORT" "$killer" $ports
killed=$(cat "$STATE/sse-killed")
"$here/instance.sh" start "$killed"
wait_for 180 curl -fsS "http://127.0.0.1:$killed/actuator/health/readiness" || { log "instance $killed did not come back"; exit 1; }
log "instance $killed restarted"
