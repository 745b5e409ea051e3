package dev.stagedoor.queue;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import dev.stagedoor.IntegrationTest;
import dev.stagedoor.support.RedisKeyspace;

@IntegrationTest
class AdmissionIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	RedisKeyspace keyspace;

	@Test
	void twoSchedulersNeverExceedMaxActiveOrTheRateAndReplaceExpiredUsers() {
		AdmissionLimits.twoSchedulersKeepTheLimits(this.port, this.room, this.room, this.redis, this.keyspace);
	}

}
