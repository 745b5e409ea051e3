package dev.stagedoor.reservation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.OnRedisCluster;
import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application on a Redis Cluster of 3 masters: Lettuce refreshes the topology (adaptive
 * and periodic) and rejects commands for a lost node at once, and the scripts work on every
 * node even after the nodes lost them (as a restarted node or a promoted replica has).
 */
@OnRedisCluster
class RedisClusterIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	LettuceConnectionFactory connections;

	@Autowired
	RedisKeyspace keyspace;

	@Value("${spring.data.redis.cluster.nodes}")
	String nodes;

	@Test
	void theClientFollowsTheClustersTopology() {
		assertThat(this.connections.getClusterConfiguration()).isNotNull();
		assertThat(this.connections.getClusterConfiguration().getClusterNodes()).hasSize(3);
		ClusterClientOptions options = (ClusterClientOptions) this.connections.getClientConfiguration()
			.getClientOptions()
			.orElseThrow();
		ClusterTopologyRefreshOptions refresh = options.getTopologyRefreshOptions();
		assertThat(refresh.getAdaptiveRefreshTriggers())
			.containsExactlyInAnyOrder(ClusterTopologyRefreshOptions.RefreshTrigger.values());
		assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
		assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
		assertThat(refresh.getAdaptiveRefreshTimeout()).isEqualTo(Duration.ofMillis(500));
		assertThat(refresh.getRefreshTriggersReconnectAttempts()).isEqualTo(1);
		assertThat(refresh.useDynamicRefreshSources()).isTrue();
		assertThat(options.getDisconnectedBehavior()).isEqualTo(ClusterClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

	@Test
	void holdsWorkOnEveryMasterAfterEveryNodeLostItsScripts() {
		RedisClusterClient client = RedisClusterClient.create(
				List.of(this.nodes.split(",")).stream().map(node -> RedisURI.create("redis://" + node)).toList());
		try (StatefulRedisClusterConnection<String, String> cluster = client.connect()) {
			// schedules until their keys live on all three masters
			List<Drop> drops = new ArrayList<>();
			Set<String> masters = new HashSet<>();
			while (masters.size() < 3) {
				assertThat(drops).as("schedules on %s", masters).hasSizeLessThan(30);
				Drop drop = Drops.create(this.port, "on the cluster", 1, 4);
				drops.add(drop);
				int slot = SlotHash.getSlot(ScheduleKeys.of(this.keyspace, drop.scheduleId()).seats());
				masters.add(cluster.getPartitions().getPartitionBySlot(slot).getNodeId());
			}
			for (Drop drop : drops) {
				assertThat(hold(drop, "before", drop.seatIds().get(0))).isEqualTo(201);
			}

			cluster.sync().upstream().commands().scriptFlush();

			for (Drop drop : drops) {
				assertThat(hold(drop, "after", drop.seatIds().get(1))).as("schedule %d", drop.scheduleId()).isEqualTo(201);
				await(drop, drop.seatIds().get(1));
			}
		}
		finally {
			client.shutdown();
		}
	}

	private int hold(Drop drop, String user, long seat) {
		String token = Admissions.admit(this.room, drop.concertId(), user);
		return new Holding(this.port).hold(drop.scheduleId(), user, token, List.of(seat))
			.block(Duration.ofSeconds(30))
			.status();
	}

	private void await(Drop drop, long seat) {
		Drops.awaitSeat(this.port, drop.scheduleId(), seat, "HELD");
	}

}
