package dev.stagedoor.persistence;

import dev.stagedoor.OnRedisCluster;

/** Rebuilding a schedule's Redis state from PostgreSQL on a Redis Cluster of 3 masters. */
@OnRedisCluster
class ScheduleRecoveryOnClusterIntegrationTests extends ScheduleRecoveryIntegrationTests {

}
