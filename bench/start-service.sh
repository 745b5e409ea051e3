#!/usr/bin/env bash
# Starts the production jar (java -jar, full JIT) on this machine's local PostgreSQL and
# Redis for benchmarking, in a fresh database stagedoor_bench and under the Redis key
# prefix "bench:". Build it first: ./mvnw -B package -DskipTests
#   bench/start-service.sh            # foreground; Ctrl-C stops it
# The per-address fair-play limits are off: the load generator is one address for thousands
# of users (the per-user limits stay on).
# JAVA picks another java (e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java), JAR another jar
# (e.g. the extracted form bench/aot-cache.sh trains), JAVA_OPTS the JVM options.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${JAR:-$(ls target/stagedoor-*.jar | head -1)}
psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS stagedoor_bench WITH (FORCE)"
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE stagedoor_bench"
redis-cli --scan --pattern 'bench:*' | xargs -r -n 1000 redis-cli UNLINK > /dev/null
exec "${JAVA:-java}" ${JAVA_OPTS:--Xms1g -Xmx1g} -jar "$jar" \
  --spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:5432/stagedoor_bench --spring.r2dbc.username=postgres \
  --spring.flyway.url=jdbc:postgresql://127.0.0.1:5432/stagedoor_bench --spring.flyway.user=postgres \
  --stagedoor.redis.key-prefix=bench: \
  --stagedoor.auth.jwt-secret=${SECRET:-stagedoor-test-auth-secret-0123456789abcdef} \
  --stagedoor.queue.token-secret=stagedoor-bench-queue-secret-0123456789abcdef \
  --stagedoor.queue.max-entries-per-address-per-minute=0 \
  --stagedoor.rate-limit.queue.per-address.capacity=0 --stagedoor.rate-limit.seats.per-address.capacity=0 \
  --stagedoor.rate-limit.holds.per-address.capacity=0 --stagedoor.rate-limit.payments.per-address.capacity=0 \
  --stagedoor.rate-limit.charges.per-address.capacity=0 \
  --logging.level.root=warn "$@"
