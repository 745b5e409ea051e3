package dev.stagedoor.support;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.transaction.CannotCreateTransactionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rule of {@link TransientFailures}, on the exceptions the stores' clients really throw,
 * alone and as the cause (or the cause's cause) of another.
 */
class TransientFailuresTests {

	@Test
	void springsTransientAndResourceFailureDataAccessExceptionsAreTransient() {
		assertTransientAlsoNested(new QueryTimeoutException("Redis command timed out"));
		assertTransientAlsoNested(new TransientDataAccessResourceException("connection pool exhausted"));
		assertTransientAlsoNested(new CannotAcquireLockException("lock wait timeout"));
		assertTransientAlsoNested(new DataAccessResourceFailureException("PostgreSQL unreachable"));
		assertTransientAlsoNested(new RedisConnectionFailureException("Unable to connect to Redis"));
	}

	@Test
	void aTransactionThatCouldNotStartIsTransient() {
		assertTransientAlsoNested(new CannotCreateTransactionException("no connection", new IllegalStateException()));
	}

	@Test
	void lettucesTimeoutsAndConnectionFailuresAreTransient() {
		assertTransientAlsoNested(new RedisCommandTimeoutException("Command timed out after 2 second(s)"));
		assertTransientAlsoNested(new RedisConnectionException("Unable to connect to 127.0.0.1:1",
				new IOException("Connection refused")));
	}

	@Test
	void r2dbcsTransientExceptionsAreTransient() {
		assertTransientAlsoNested(new R2dbcTransientResourceException("too many connections"));
		assertTransientAlsoNested(new R2dbcTimeoutException("statement timeout"));
		assertTransientAlsoNested(new R2dbcRollbackException("could not serialize access"));
	}

	@Test
	void anyTimeoutExceptionIsTransient() {
		assertTransientAlsoNested(new TimeoutException("Did not observe any item or terminal signal within 5000ms"));
	}

	@Test
	void aClusterWithoutAMasterOrAMovingSlotOrALoadingNodeIsAFailover() {
		for (String reply : List.of("CLUSTERDOWN The cluster is down", "CLUSTERDOWN Hash slot not served",
				"TRYAGAIN Multiple keys request during rehashing of slot",
				"MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
				"LOADING Redis is loading the dataset in memory")) {
			assertFailoverAlsoNested(new RedisCommandExecutionException(reply));
		}
	}

	@Test
	void aNodeTheClientLostIsAFailover() {
		for (String message : List.of("Currently not connected. Commands are rejected.", "Connection closed",
				"Connection is closed", "Connection reset by peer")) {
			assertFailoverAlsoNested(new RedisException(message));
		}
	}

	@Test
	void commandsFailedWhenTheirNodeWasKilledAreAFailover() {
		// the chaos drop's payment that met a master's kill -9: RedisSystemException("Redis
		// exception") caused by Lettuce's RedisException("Connection disconnected"), a 500 until listed
		assertFailoverAlsoNested(new RedisException("Connection disconnected"));
		assertThat(TransientFailures.isTransient(
				new RedisSystemException("Redis exception", new RedisException("Connection disconnected"))))
			.isTrue();
		// and the other one: the socket reset under the command (Netty's native I/O error)
		assertThat(TransientFailures.isRedisFailover(new RedisSystemException(
				"recvAddress(..) failed with error(-104): Connection reset by peer",
				new IOException("recvAddress(..) failed with error(-104): Connection reset by peer"))))
			.isTrue();
		assertThat(TransientFailures.isRedisFailover(new RedisException("x", new IOException("Broken pipe")))).isTrue();
	}

	@Test
	void theFailoverMessagesCountOnlyWhereTheyBelong() {
		// a lost-node phrase in a server reply, or a server reply's code in a client error, is no failover
		assertNeither(new RedisSystemException("x", new RedisCommandExecutionException("Connection closed")));
		assertNeither(new RedisSystemException("x", new RedisException("CLUSTERDOWN The cluster is down")));
		// the code must start the reply
		assertNeither(new RedisSystemException("x", new RedisCommandExecutionException("ERR CLUSTERDOWN in a message")));
		// a script's own error, a Redis error without message, the phrase outside Redis
		assertNeither(new RedisSystemException("x",
				new RedisCommandExecutionException("ERR user_script:12: Script attempted to access nonexistent global")));
		assertNeither(new RedisSystemException("x", new RedisException((String) null)));
		assertNeither(new IOException("Connection reset by peer"));
	}

	@Test
	void bugsAndPermanentStoreErrorsAreNotTransient() {
		assertNeither(new IllegalStateException("boom"));
		assertNeither(new IllegalStateException("x", new IllegalArgumentException("y")));
		assertNeither(new DataIntegrityViolationException("duplicate key"));
		assertNeither(new R2dbcDataIntegrityViolationException("duplicate key value violates unique constraint"));
		assertNeither(new R2dbcNonTransientResourceException("database \"x\" does not exist"));
		assertNeither(new R2dbcBadGrammarException("syntax error"));
		assertNeither(new RuntimeException(new R2dbcBadGrammarException("syntax error")));
	}

	private static void assertTransientAlsoNested(Throwable ex) {
		for (Throwable t : nestings(ex)) {
			assertThat(TransientFailures.isTransient(t)).as("transient: %s", describe(t)).isTrue();
			assertThat(TransientFailures.isRedisFailover(t)).as("no failover: %s", describe(t)).isFalse();
		}
	}

	private static void assertFailoverAlsoNested(Throwable ex) {
		for (Throwable t : nestings(ex)) {
			assertThat(TransientFailures.isRedisFailover(t)).as("failover: %s", describe(t)).isTrue();
			assertThat(TransientFailures.isTransient(t)).as("a failover is transient: %s", describe(t)).isTrue();
		}
	}

	private static void assertNeither(Throwable ex) {
		assertThat(TransientFailures.isTransient(ex)).as("not transient: %s", describe(ex)).isFalse();
		assertThat(TransientFailures.isRedisFailover(ex)).as("no failover: %s", describe(ex)).isFalse();
	}

	/**
	 * The exception itself, as Spring Data Redis wraps a Lettuce error, and two levels deep (as
	 * a Reactor or a transaction wrapper would carry it).
	 */
	private static List<Throwable> nestings(Throwable ex) {
		return List.of(ex, new RedisSystemException("wrapped", ex),
				new IllegalStateException("outer", new RuntimeException("middle", ex)));
	}

	private static String describe(Throwable ex) {
		StringBuilder chain = new StringBuilder(ex.toString());
		for (Throwable t = ex.getCause(); t != null; t = t.getCause()) {
			chain.append(" <- ").append(t);
		}
		return chain.toString();
	}

}
