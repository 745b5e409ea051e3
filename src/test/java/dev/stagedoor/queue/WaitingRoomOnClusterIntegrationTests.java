package dev.stagedoor.queue;

import dev.stagedoor.OnRedisCluster;

/** The waiting room's scenarios on a Redis Cluster of 3 masters (every room's keys under one hash tag). */
@OnRedisCluster
class WaitingRoomOnClusterIntegrationTests extends WaitingRoomIntegrationTests {

}
