package dev.stagedoor.queue;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.queue.AdmissionTokens.TokenVerdict;

/**
 * What the reservation API asks before it lets a user hold seats: a valid admission token
 * for this user and concert, and the user still active in the waiting room.
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
		return this.scripts.isActive(concertId, user)
			.map(active -> active ? verdict : new TokenVerdict.Invalid("admission has ended"));
	}

}
