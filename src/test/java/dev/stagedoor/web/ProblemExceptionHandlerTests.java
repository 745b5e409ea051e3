package dev.stagedoor.web;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.http.ProblemDetail;
import org.springframework.transaction.CannotCreateTransactionException;
import reactor.netty.channel.AbortedException;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemExceptionHandlerTests {

	@Test
	void theStatusesTheFrameworkAnswersByItselfGetCodesOfTheCatalog() {
		java.util.Set<String> catalog = java.util.Arrays.stream(ProblemCode.values())
			.map(ProblemCode::code)
			.collect(java.util.stream.Collectors.toSet());
		for (int status : new int[] { 400, 401, 403, 404, 405, 406, 413, 415, 500, 503 }) {
			org.assertj.core.api.Assertions
				.assertThat(Problem.codeFor(org.springframework.http.HttpStatusCode.valueOf(status)))
				.as("status %d", status)
				.isIn(catalog);
		}
	}

	@Test
	void timeoutsAndUnreachableStoresAreServiceUnavailableNotInternalErrors() {
		assertUnavailable(new RedisCommandTimeoutException("EVALSHA timed out"));
		assertUnavailable(new QueryTimeoutException("Redis command timed out", new RedisCommandTimeoutException("x")));
		assertUnavailable(new CannotCreateTransactionException("no connection", new IllegalStateException()));
		assertUnavailable(new IllegalStateException("wrapped", new TimeoutException("pool acquire")));
	}

	@Test
	void aRedisClusterFailoverIsServiceUnavailable() {
		// as Spring Data Redis wraps them (RedisSystemException is no DataAccessResourceFailureException)
		assertUnavailable(new RedisSystemException("x",
				new RedisCommandExecutionException("CLUSTERDOWN The cluster is down")));
		assertUnavailable(new RedisSystemException("x",
				new RedisCommandExecutionException("TRYAGAIN Multiple keys request during rehashing of slot")));
		assertUnavailable(new RedisSystemException("x",
				new RedisException("Currently not connected. Commands are rejected.")));
		assertUnavailable(new RedisSystemException("x", new RedisException("Connection closed")));
		// a script's own error stays an internal error
		assertThat(ProblemExceptionHandler.toProblem(new RedisSystemException("x",
				new RedisCommandExecutionException("ERR user_script:12: Script attempted to access nonexistent global")))
			.getStatus()).isEqualTo(500);
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
