package dev.stagedoor.reservation;

import dev.stagedoor.OnRedisCluster;

/** Holding seats, the hot seat with exactly one winner included, on a Redis Cluster of 3 masters. */
@OnRedisCluster
class HoldingOnClusterIntegrationTests extends HoldingIntegrationTests {

}
