package dev.stagedoor.support;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.r2dbc.spi.R2dbcTransientException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * The one classification of store failures that are worth a retry rather than a bug: the web
 * layer answers them 503 {@code unavailable} with {@code Retry-After}, never mistakes them for
 * a client that went away, and the waiting room counts a queue entry they fail as
 * {@code limiter-unavailable}. Every rule looks at the whole cause chain.
 */
public final class TransientFailures {

	/** Redis server errors that mean "not now": a cluster without a master for a slot, a slot moving, a node loading. */
	private static final List<String> RETRYABLE_REDIS_ERRORS = List.of("CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "LOADING");

	/** Lettuce's own errors for a node that went away (a killed master, before the topology names its replica). */
	private static final List<String> LOST_NODE_ERRORS = List.of("Currently not connected", "Connection closed",
			"Connection is closed", "Connection reset", "Connection disconnected");

	private TransientFailures() {
	}

	/**
	 * Timeouts and unreachable stores (Redis, PostgreSQL, their pools), and Redis Cluster
	 * failovers ({@link #isRedisFailover}): Spring's transient and resource-failure data access
	 * exceptions, a transaction that could not start, Lettuce's command timeouts and connection
	 * failures, R2DBC's transient exceptions and any {@link TimeoutException}.
	 */
	public static boolean isTransient(Throwable ex) {
		return hasCause(ex, TransientDataAccessException.class) || hasCause(ex, DataAccessResourceFailureException.class)
				|| hasCause(ex, CannotCreateTransactionException.class) || hasCause(ex, RedisCommandTimeoutException.class)
				|| hasCause(ex, RedisConnectionException.class) || hasCause(ex, R2dbcTransientException.class)
				|| hasCause(ex, TimeoutException.class) || isRedisFailover(ex);
	}

	/**
	 * A Redis Cluster failover as the client sees it: the node's connection lost or rejecting
	 * commands (a Lettuce error, not a server reply: "Currently not connected", "Connection
	 * closed", "Connection is closed", "Connection reset", "Connection disconnected": the last
	 * fails the commands in flight on a connection whose node was killed, seen in the chaos
	 * drop as a 500 before it was listed), or the cluster answering that a slot
	 * has no master yet, is moving or the node is loading (a server reply starting with
	 * CLUSTERDOWN, TRYAGAIN, MASTERDOWN or LOADING), or an I/O error of the node's socket under a
	 * Redis exception (a connection reset by the killed node). Retrying after the failover succeeds, and the scripts are
	 * atomic, so a failed call changed nothing.
	 */
	public static boolean isRedisFailover(Throwable ex) {
		boolean fromRedis = false;
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (fromRedis && t instanceof IOException) {
				// the socket to a node failed under a Redis command (e.g. Netty's "recvAddress(..)
				// failed: Connection reset by peer" when a master is killed): the node is gone
				return true;
			}
			// (a connection that could not be made at all is transient, but no failover)
			fromRedis = (fromRedis || t instanceof RedisSystemException || t instanceof RedisException)
					&& !(t instanceof RedisConnectionException);
			String message = t.getMessage();
			if (message == null) {
				continue;
			}
			if (t instanceof RedisCommandExecutionException
					&& RETRYABLE_REDIS_ERRORS.stream().anyMatch(message::startsWith)) {
				return true;
			}
			if (t instanceof RedisException && !(t instanceof RedisCommandExecutionException)
					&& LOST_NODE_ERRORS.stream().anyMatch(message::startsWith)) {
				return true;
			}
		}
		return false;
	}

	/** Whether {@code ex} or one of its causes is a {@code type} (the test every rule here uses). */
	public static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (type.isInstance(t)) {
				return true;
			}
		}
		return false;
	}

}
