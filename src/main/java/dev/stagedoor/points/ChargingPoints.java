package dev.stagedoor.points;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.web.Problem;

/**
 * A user charges points with an {@code Idempotency-Key}. The key's record and the credit
 * are one transaction: the first request inserts the record, credits, and stores its
 * response; a request with the same key blocks on the record's primary key until that
 * transaction ends and then replays the stored response (so a concurrent duplicate waits
 * and replays rather than failing). The same key with another body is refused.
 */
@Component
class ChargingPoints {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final Wallets wallets;

	private final PointsProperties properties;

	private final JsonMapper json;

	private final Clock clock;

	ChargingPoints(DatabaseClient db, TransactionalOperator tx, Wallets wallets, PointsProperties properties,
			JsonMapper json, Clock clock) {
		this.db = db;
		this.tx = tx;
		this.wallets = wallets;
		this.properties = properties;
		this.json = json;
		this.clock = clock;
	}

	/** The response to send: a status and a JSON body (a problem when the status is 4xx). */
	/** A charge's answer: {@code balance} is the balance after it. */
	record Charge(String chargeId, long amount, long balance) {
	}

	record StoredResponse(int status, String body) {
	}

	Mono<StoredResponse> charge(String user, String key, long amount) {
		if (amount > this.properties.maxCharge()) {
			return Mono.just(problem(HttpStatus.UNPROCESSABLE_CONTENT, "charge-limit-exceeded",
					"A single charge is at most " + this.properties.maxCharge() + " points.",
					Map.of("maxCharge", this.properties.maxCharge())));
		}
		String requestHash = hash("amount=" + amount);
		OffsetDateTime now = OffsetDateTime.now(this.clock);
		Mono<StoredResponse> work = this.db.sql("""
				INSERT INTO idempotency_record (user_id, idem_key, request_hash, status, body, created_at)
				VALUES (:u, :key, :hash, 0, '', :now)
				ON CONFLICT (user_id, idem_key) DO NOTHING
				""")
			.bind("u", user)
			.bind("key", key)
			.bind("hash", requestHash)
			.bind("now", now)
			.fetch()
			.rowsUpdated()
			.flatMap(inserted -> inserted == 1 ? firstRequest(user, key, amount) : replay(user, key, requestHash));
		return work.as(this.tx::transactional);
	}

	private Mono<StoredResponse> firstRequest(String user, String key, long amount) {
		return this.wallets.credit(user, amount, this.properties.maxBalance())
			.map(entry -> new StoredResponse(201, this.json.writeValueAsString(
					new Charge(String.valueOf(entry.id()), amount, entry.balanceAfter()))))
			.switchIfEmpty(Mono.fromSupplier(() -> problem(HttpStatus.UNPROCESSABLE_CONTENT, "balance-limit-exceeded",
					"The balance may not exceed " + this.properties.maxBalance() + " points.",
					Map.of("maxBalance", this.properties.maxBalance()))))
			.flatMap(response -> this.db
				.sql("UPDATE idempotency_record SET status = :status, body = :body WHERE user_id = :u AND idem_key = :key")
				.bind("status", response.status())
				.bind("body", response.body())
				.bind("u", user)
				.bind("key", key)
				.fetch()
				.rowsUpdated()
				.thenReturn(response));
	}

	private Mono<StoredResponse> replay(String user, String key, String requestHash) {
		return this.db.sql("SELECT request_hash, status, body FROM idempotency_record WHERE user_id = :u AND idem_key = :key")
			.bind("u", user)
			.bind("key", key)
			.map(row -> requestHash.equals(row.get("request_hash", String.class))
					? new StoredResponse(row.get("status", Integer.class), row.get("body", String.class))
					: problem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused",
							"This Idempotency-Key was used with another request body.", Map.of()))
			.one();
	}

	private StoredResponse problem(HttpStatus status, String code, String detail, Map<String, Object> members) {
		ProblemDetail problem = Problem.of(status, code, detail);
		members.forEach(problem::setProperty);
		return new StoredResponse(status.value(), this.json.writeValueAsString(Problem.body(problem)));
	}

	private static String hash(String request) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(request.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
