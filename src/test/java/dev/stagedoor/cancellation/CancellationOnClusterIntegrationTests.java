package dev.stagedoor.cancellation;

import dev.stagedoor.OnRedisCluster;

/** Cancellations on a Redis Cluster of 3 masters. */
@OnRedisCluster
class CancellationOnClusterIntegrationTests extends CancellationIntegrationTests {

}
