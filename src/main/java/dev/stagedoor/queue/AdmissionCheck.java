package dev.stagedoor.queue;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.queue.AdmissionTokens.TokenVerdict;

/**
 * What the reservation API asks before it lets a user hold seats: a valid admission token
 * for this user and concert, and the user still active in the waiting room in the admission
 * the token was issued for (its end, to the ms, is the admission's identity: re-admission
 * gives a new end, so the old token is refused).
 */
@Component
public class AdmissionCheck {

	private final AdmissionTokens tokens;

	private final QueueScripts scripts;

	AdmissionCheck(AdmissionTokens tokens, QueueScripts scripts) {
		this.tokens = tokens;
		this.scripts = scripts;
	}

	public Mono<TokenVerdict> check(String token, String user, long concertId) {
		TokenVerdict verdict = this.tokens.verify(token, user, concertId);
		if (verdict instanceof TokenVerdict.Invalid) {
			return Mono.just(verdict);
		}
		long admission = ((TokenVerdict.Valid) verdict).expiresAt().toEpochMilli();
		return this.scripts.activeUntil(concertId, user).map(end -> {
			if (end == 0) {
				return new TokenVerdict.Invalid("admission has ended");
			}
			return end == admission ? verdict : new TokenVerdict.Invalid("token is of an earlier admission");
		});
	}

}
