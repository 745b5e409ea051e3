package dev.stagedoor.payment;

import dev.stagedoor.OnRedisCluster;

/** The payment saga on a Redis Cluster of 3 masters. */
@OnRedisCluster
class PaymentOnClusterIntegrationTests extends PaymentIntegrationTests {

}
