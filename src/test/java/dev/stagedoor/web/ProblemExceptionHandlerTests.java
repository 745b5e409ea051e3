package dev.stagedoor.web;

import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.ProblemDetail;
import org.springframework.transaction.CannotCreateTransactionException;

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

	private static void assertUnavailable(Throwable ex) {
		ProblemDetail problem = ProblemExceptionHandler.toProblem(ex);
		assertThat(problem.getStatus()).as("%s", ex).isEqualTo(503);
		assertThat(problem.getProperties()).containsEntry("code", "unavailable");
	}

}
