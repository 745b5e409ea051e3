package dev.stagedoor.queue;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.test.StepVerifier;

import dev.stagedoor.Concerts;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.queue.AdmissionTokens.TokenVerdict;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class AdmissionCheckIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	AdmissionCheck check;

	@Test
	void tokenPassesWhileTheUserIsActiveAndFailsAfterLeaving() {
		long concert = Concerts.create(this.port, "check");
		this.room.enter(concert, "alice").block();
		this.room.admit(concert).block();
		QueueOutcome.Placed placed = (QueueOutcome.Placed) this.room.status(concert, "alice").block();
		String token = placed.view().token();
		assertThat(token).isNotBlank();

		this.check.check(token, "alice", concert)
			.as(StepVerifier::create)
			.expectNextMatches(verdict -> verdict instanceof TokenVerdict.Valid valid && valid.user().equals("alice"))
			.verifyComplete();
		this.check.check(token, "bob", concert)
			.as(StepVerifier::create)
			.expectNextMatches(TokenVerdict.Invalid.class::isInstance)
			.verifyComplete();

		this.room.leave(concert, "alice").block();

		this.check.check(token, "alice", concert)
			.as(StepVerifier::create)
			.expectNext(new TokenVerdict.Invalid("admission has ended"))
			.verifyComplete();
	}

}
