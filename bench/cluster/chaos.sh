#!/usr/bin/env bash
# Chaos for the bench/cluster topology (bench/cluster/up.sh first), seeded and logged so a run
# can be repeated: at random moments within SECONDS it
#   - kills a service instance with kill -9 and starts it again 5-15 s later,
#   - kills a Redis master with kill -9 (its replica takes over) and restarts the node 8 s
#     later (it rejoins as a replica),
#   - stops the Kafka broker (SIGTERM) and starts it again 10-20 s later,
#   - cuts PostgreSQL for 5 s (the database refuses connections and its open ones are ended).
# Each kind happens at least once, EXTRA (2) more faults of random kinds are added. A Redis kill
# waits until every master has a replica in sync (else it could lose slots for good); an
# instance kill leaves at least one instance up. With KEYS (comma-separated Redis keys, e.g. the
# drop's "{s:12},{c:5}"), a Redis kill picks the master serving one of their slots. At the end
# everything is brought back and checked (instances ready, cluster ok, broker and database up).
#   bench/cluster/chaos.sh SEED SECONDS        # a line per step on stdout and in $STATE/chaos.log
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/env.sh"
[[ -e "$STATE/up" ]] || { log "not up: bench/cluster/up.sh first"; exit 1; }
seed=${1:?usage: chaos.sh SEED SECONDS}
seconds=${2:?usage: chaos.sh SEED SECONDS}
extra=${EXTRA:-2}
RANDOM=$seed
started=$SECONDS
say() { printf '[chaos %5ds] %s\n' $((SECONDS - started)) "$*" | tee -a "$STATE/chaos.log"; }
# Seeded choices set REPLY, never print: a subshell ($(...)) gets a RANDOM of its own, not the seeded one.
between() { REPLY=$(($1 + RANDOM % ($2 - $1 + 1))); }   # an integer in [$1, $2]
ready() { curl -fsS -o /dev/null "http://127.0.0.1:$1/actuator/health/readiness"; }
alive() { [[ -s "$STATE/service-$1.pid" ]] && kill -0 "$(cat "$STATE/service-$1.pid")" 2>/dev/null; }
running_instances() { for port in $(service_ports); do alive "$port" && echo "$port"; done; }
live_node() { for port in $(redis_ports); do redis-cli -p "$port" ping >/dev/null 2>&1 && { echo "$port"; return; }; done; }
# "port" of every live master, in port order
masters() {
  redis-cli -p "$(live_node)" cluster nodes | awk '$3 ~ /master/ && $3 !~ /fail/ { split($2, a, "[:@]"); print a[2] }' | sort -n
}
# every master has a replica whose link is up, and the cluster is ok on every node
replicated() {
  cluster_ok || return 1
  local master
  for master in $(masters); do
    redis-cli -p "$master" info replication | grep -q 'slave0:.*state=online' || return 1
  done
}
master_of_slot() {
  redis-cli -p "$(live_node)" cluster nodes | awk -v slot="$1" '$3 ~ /master/ && $3 !~ /fail/ {
    for (i = 9; i <= NF; i++) { n = split($i, r, "-"); lo = r[1]; hi = (n == 2 ? r[2] : r[1]);
      if (slot + 0 >= lo + 0 && slot + 0 <= hi + 0) { split($2, a, "[:@]"); print a[2]; exit } } }'
}
pick() { local list=($1); REPLY=${list[RANDOM % ${#list[@]}]}; }   # one word of $1

kill_instance() {
  local candidates
  candidates=$(running_instances)
  if (($(echo "$candidates" | wc -w) < 2)); then say "instance kill skipped: only one instance runs"; return; fi
  local port delay
  pick "$candidates"; port=$REPLY
  between 5 15; delay=$REPLY
  "$here/instance.sh" kill "$port"
  say "kill -9 instance $port; restart in ${delay}s"
  ( sleep "$delay"; "$here/instance.sh" start "$port"; say "instance $port started" ) &
}

kill_master() {
  if ! wait_for 90 replicated; then say "Redis kill skipped: the cluster has a master without a replica in sync"; return; fi
  local port=""
  if [[ -n "${KEYS:-}" ]]; then
    local slots=() key
    IFS=, read -ra chosen <<< "$KEYS"
    for key in "${chosen[@]}"; do slots+=("$(redis-cli -p "$(live_node)" cluster keyslot "$key")"); done
    pick "${slots[*]}"
    port=$(master_of_slot "$REPLY")
  fi
  [[ -n "$port" ]] || { pick "$(masters)"; port=$REPLY; }
  kill -9 "$(cat "$STATE/redis/$port/redis.pid")"
  say "kill -9 Redis master $port; node restart in 8s"
  ( sleep 8; start_redis_node "$port"; say "Redis node $port restarted (rejoins as a replica)" ) &
}

stop_kafka() {
  if [[ ! -s "$STATE/kafka.pid" ]]; then say "Kafka stop skipped: already stopped"; return; fi
  local delay
  between 10 20; delay=$REPLY
  say "Kafka broker stopping (SIGTERM); start in ${delay}s"
  "$here/kafka.sh" stop
  say "Kafka broker stopped"
  ( sleep "$delay"; "$here/kafka.sh" start; say "Kafka broker started" ) &
}

# A cut lasts 5 s from its own start: a cut that begins while another runs extends the outage
# (only the last one's restorer lets connections in again), never shortens it.
cut_postgres() {
  local until=$(($(date +%s) + 5))
  echo "$until" > "$STATE/pg-cut-until"
  say "PostgreSQL cut for 5s: $DATABASE refuses connections, open ones ended"
  psql -h 127.0.0.1 -U postgres -d test -qAt -c "ALTER DATABASE $DATABASE ALLOW_CONNECTIONS false" \
    -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$DATABASE'" >/dev/null
  ( sleep 5
    if [[ "$(cat "$STATE/pg-cut-until")" == "$until" ]]; then
      psql -h 127.0.0.1 -U postgres -d test -qc "ALTER DATABASE $DATABASE ALLOW_CONNECTIONS true"
      say "PostgreSQL back"
    fi ) &
}

# --- the plan: each kind once, EXTRA more at random, at sorted random moments ---------------------
kinds=(kill_instance kill_master stop_kafka cut_postgres)
for _ in $(seq 1 "$extra"); do kinds+=("${kinds[RANDOM % 4]}"); done
for ((i = ${#kinds[@]} - 1; i > 0; i--)); do   # seeded shuffle
  j=$((RANDOM % (i + 1))); tmp=${kinds[i]}; kinds[i]=${kinds[j]}; kinds[j]=$tmp
done
last=$((seconds - 30)); ((last > 15)) || last=16
unsorted=()
for _ in "${kinds[@]}"; do between 10 "$last"; unsorted+=("$REPLY"); done
read -ra at <<< "$(printf '%s\n' "${unsorted[@]}" | sort -n | paste -sd' ')"
say "seed $seed, ${seconds}s: $(for i in "${!kinds[@]}"; do printf '%s@%ss ' "${kinds[i]}" "${at[i]}"; done)"
for i in "${!kinds[@]}"; do
  wait_until=$((started + at[i]))
  ((SECONDS >= wait_until)) || sleep $((wait_until - SECONDS))
  "${kinds[i]}"
done
wait   # the restarts under way

# --- heal and check -----------------------------------------------------------------------------
for port in $(service_ports); do
  # an instance that was started while PostgreSQL was cut may have exited (its migration check failed)
  alive "$port" || { "$here/instance.sh" start "$port"; say "instance $port started (heal)"; }
done
for port in $(redis_ports); do
  redis-cli -p "$port" ping >/dev/null 2>&1 || { start_redis_node "$port"; say "Redis node $port started (heal)"; }
done
[[ -s "$STATE/kafka.pid" ]] || { "$here/kafka.sh" start; say "Kafka started (heal)"; }
psql -h 127.0.0.1 -U postgres -d test -qc "ALTER DATABASE $DATABASE ALLOW_CONNECTIONS true"
for port in $(service_ports); do
  wait_for 180 ready "$port" || { say "instance $port not ready after the chaos"; exit 1; }
done
wait_for 120 replicated || { say "the cluster did not settle after the chaos"; exit 1; }
say "done: every instance ready, cluster ok with a replica per master, Kafka and PostgreSQL up"
