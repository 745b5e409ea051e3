#!/usr/bin/env bash
# Trains a JDK AOT cache (JEP 483/514/515, Java 25) for the production jar: extracts the jar
# (the AOT cache needs the extracted form), starts it with -XX:AOTCacheOutput under
# TRAIN (60 s) of queue-entry load, stops it; the JVM then writes the loaded and linked
# classes and the method profiles it saw into target/aot/stagedoor.aot. A new JVM started
# with -XX:AOTCache on the same jar and the same java skips that class loading and starts
# compiling hot methods from the recorded profiles (see bench/cold-start.sh for the effect).
#
#   ./mvnw -B package -DskipTests
#   bench/aot-cache.sh
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java JAR=target/aot/stagedoor.jar \
#     JAVA_OPTS="-Xms1g -Xmx1g -XX:AOTCache=target/aot/stagedoor.aot" bench/start-service.sh
set -euo pipefail
cd "$(dirname "$0")"
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
TRAIN=${TRAIN:-60s}
PORT=${PORT:-8080}
BASE="http://127.0.0.1:$PORT"
SECRET=${SECRET:-stagedoor-test-auth-secret-0123456789abcdef}
out=$(cd .. && pwd)/target/aot
jar=$(ls ../target/stagedoor-*.jar | head -1)
rm -rf "$out"
"$JAVA" -Djarmode=tools -jar "$jar" extract --destination "$out" > /dev/null
mv "$out/$(basename "$jar")" "$out/stagedoor.jar"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run="aot$(date +%s)"
python3 tokens.py 300000 "$SECRET" "$run" > "$work/tokens.txt"
admin=$(python3 tokens.py 0 "$SECRET" "$run")

JAVA="$JAVA" JAR="$out/stagedoor.jar" JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx1g} -XX:AOTCacheOutput=$out/stagedoor.aot" \
  ./start-service.sh --server.port="$PORT" > "$work/service.log" 2>&1 &
service=$!
until curl -sf "$BASE/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; do
  kill -0 "$service" 2>/dev/null || { echo "the service did not start:"; tail -20 "$work/service.log"; exit 1; }
  sleep 0.2
done
concert=$(curl -sf -X POST "$BASE/api/admin/concerts" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"title":"AOT training","venue":"Bench"}' | sed -E 's/.*"id":([0-9]+).*/\1/')
echo "training: $TRAIN of queue entries"
TOKENS="$work/tokens.txt" CONCERT=$concert THREADS=2 wrk -t2 -c64 -d"$TRAIN" -s queue-entry.lua "$BASE" | tail -1
kill "$service"
wait "$service" || true
ls -la "$out/stagedoor.aot"
