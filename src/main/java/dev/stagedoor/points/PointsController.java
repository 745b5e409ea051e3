package dev.stagedoor.points;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import dev.stagedoor.web.ApiDoc.Answer;
import dev.stagedoor.web.ApiDoc.Problems;

import static dev.stagedoor.web.ProblemCode.BALANCE_LIMIT_EXCEEDED;
import static dev.stagedoor.web.ProblemCode.CHARGE_LIMIT_EXCEEDED;
import static dev.stagedoor.web.ProblemCode.IDEMPOTENCY_KEY_REUSED;
import static dev.stagedoor.web.ProblemCode.VALIDATION_FAILED;
import static dev.stagedoor.web.ProblemCode.RATE_LIMITED;

@RestController
class PointsController {

	static final int MAX_KEY_LENGTH = 255;

	static final int MAX_LEDGER_PAGE = 500;

	private static final String LEDGER_PAGE = "must be between 1 and " + MAX_LEDGER_PAGE;

	/** Missing (the header is optional to Spring, so the constraint answers), empty or too long. */
	private static final String KEY_LENGTH = "must be 1 to " + MAX_KEY_LENGTH + " characters (the header is required)";

	private final Wallets wallets;

	private final ChargingPoints charging;

	PointsController(Wallets wallets, ChargingPoints charging) {
		this.wallets = wallets;
		this.charging = charging;
	}

	@GetMapping("/api/me/points")
	Mono<Balance> balance(Authentication caller) {
		return this.wallets.balance(caller.getName()).map(Balance::new);
	}

	/** The newest entries first. */
	@GetMapping("/api/me/points/ledger")
	@Answer(status = 200, body = LedgerEntry.class, array = true, description = "The newest `limit` entries, newest first")
	@Problems(VALIDATION_FAILED)
	Mono<ResponseEntity<Object>> ledger(@RequestParam(defaultValue = "100") @Min(value = 1, message = LEDGER_PAGE)
			@Max(value = MAX_LEDGER_PAGE, message = LEDGER_PAGE) int limit, Authentication caller) {
		return this.wallets.ledger(caller.getName(), limit)
			.collectList()
			.map(entries -> ResponseEntity.ok().<Object>body(entries));
	}

	@PostMapping("/api/me/points/charges")
	@Answer(status = 201, body = ChargingPoints.Charge.class,
			description = "Credited; the same key and body again replays this answer and credits nothing")
	@Problems({ VALIDATION_FAILED, IDEMPOTENCY_KEY_REUSED, BALANCE_LIMIT_EXCEEDED, CHARGE_LIMIT_EXCEEDED, RATE_LIMITED })
	Mono<ResponseEntity<Object>> charge(@RequestHeader(name = "Idempotency-Key", required = false)
			@NotNull(message = KEY_LENGTH) @Size(min = 1, max = MAX_KEY_LENGTH, message = KEY_LENGTH) String key,
			@Valid @RequestBody ChargeRequest body, Authentication caller) {
		return this.charging.charge(caller.getName(), key, body.amount())
			.map(response -> ResponseEntity.status(response.status())
				.contentType(response.status() >= 400 ? MediaType.APPLICATION_PROBLEM_JSON : MediaType.APPLICATION_JSON)
				.body(response.body()));
	}

	record Balance(long balance) {
	}

	record ChargeRequest(@NotNull @Positive Long amount) {
	}

}
