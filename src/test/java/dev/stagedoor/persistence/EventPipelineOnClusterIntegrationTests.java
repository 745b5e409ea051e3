package dev.stagedoor.persistence;

import dev.stagedoor.OnRedisCluster;

/** The outbox streams, their consumer group and the relay to Kafka and PostgreSQL on a Redis Cluster of 3 masters. */
@OnRedisCluster
class EventPipelineOnClusterIntegrationTests extends EventPipelineIntegrationTests {

}
