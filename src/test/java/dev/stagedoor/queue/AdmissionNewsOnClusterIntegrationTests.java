package dev.stagedoor.queue;

import java.util.HashMap;
import java.util.Map;

import dev.stagedoor.OnRedisCluster;
import dev.stagedoor.TestInfrastructure;

/** Admissions told across instances through a Redis Cluster of 3 masters (pub/sub over the cluster bus). */
@OnRedisCluster
class AdmissionNewsOnClusterIntegrationTests extends AdmissionNewsIntegrationTests {

	@Override
	Map<String, Object> storeProperties() {
		Map<String, Object> properties = new HashMap<>(TestInfrastructure.properties());
		properties.putAll(TestInfrastructure.clusterProperties());
		return properties;
	}

}
