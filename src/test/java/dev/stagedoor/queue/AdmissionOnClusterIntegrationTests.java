package dev.stagedoor.queue;

import dev.stagedoor.OnRedisCluster;

/** Admission limits (max active, admissions per 1 s window) on a Redis Cluster of 3 masters. */
@OnRedisCluster
class AdmissionOnClusterIntegrationTests extends AdmissionIntegrationTests {

}
