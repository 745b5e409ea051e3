package dev.stagedoor.web;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.ProblemDetail;
import org.springframework.transaction.CannotCreateTransactionException;
import reactor.netty.channel.AbortedException;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemExceptionHandlerTests {

	@Test
	void timeoutsAndUnreachableStoresAreServiceUnavailableNotInternalErrors() {
		assertUnavailable(new RedisCommandTimeoutException("EVALSHA timed out"));
		assertUnavailable(new QueryTimeoutException("Redis command timed out", new RedisCommandTimeoutException("x")));
		assertUnavailable(new CannotCreateTransactionException("no connection", new IllegalStateException()));
		assertUnavailable(new IllegalStateException("wrapped", new TimeoutException("pool acquire")));
	}

	@Test
	void anythingElseIsAnInternalErrorThatRevealsNothing() {
		ProblemDetail problem = ProblemExceptionHandler.toProblem(new IllegalStateException("secret detail"));

		assertThat(problem.getStatus()).isEqualTo(500);
		assertThat(problem.getProperties()).containsEntry("code", "internal-error");
		assertThat(problem.getDetail()).doesNotContain("secret");
	}

	@Test
	void aClientThatWentAwayIsAClientAbort() {
		assertThat(ClientAborts.is(new AbortedException("Connection has been closed"))).isTrue();
		assertThat(ClientAborts.is(new IOException("Connection reset by peer"))).isTrue();
		assertThat(ClientAborts.is(new IOException("Broken pipe"))).isTrue();
		assertThat(ClientAborts.is(new ClosedChannelException())).isTrue();
	}

	@Test
	void aStoreLosingItsConnectionOrABugIsNoClientAbort() {
		assertThat(ClientAborts
			.is(new RedisConnectionException("lost", new IOException("Connection reset by peer")))).isFalse();
		assertThat(ClientAborts.is(new IllegalStateException("boom"))).isFalse();
		assertThat(ClientAborts.is(new IllegalStateException("x", new ClosedChannelException())))
			.isFalse();
	}

	private static void assertUnavailable(Throwable ex) {
		ProblemDetail problem = ProblemExceptionHandler.toProblem(ex);
		assertThat(problem.getStatus()).as("%s", ex).isEqualTo(503);
		assertThat(problem.getProperties()).containsEntry("code", "unavailable");
	}

}
