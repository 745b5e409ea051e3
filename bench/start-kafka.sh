#!/usr/bin/env bash
# Starts an in-process KRaft broker (from the test classpath) for benchmarks on a machine
# without Kafka; prints and writes its bootstrap address to target/bench-kafka.txt.
#   bench/start-kafka.sh &   then   bench/start-service.sh --spring.kafka.bootstrap-servers=$(cat target/bench-kafka.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
rm -f target/bench-kafka.txt
exec java -Xmx512m -cp "$(cat target/bench-classpath.txt)" bench/BenchKafka.java target/bench-kafka.txt
