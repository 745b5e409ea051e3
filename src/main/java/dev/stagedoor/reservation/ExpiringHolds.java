package dev.stagedoor.reservation;

import java.time.Clock;
import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.support.Ticker;

/**
 * Marks lapsed holds EXPIRED (with one EXPIRED event each). Every instance runs it; the
 * script re-checks each candidate against Redis time, so two reapers never expire one hold
 * twice. Candidates are picked with this instance's clock, so a clock running behind only
 * delays the bookkeeping, never the seats (the TTL keys free them).
 */
@Configuration(proxyBeanMethods = false)
class ExpiringHolds {

	static final int BATCH = 200;

	@Bean
	Ticker holdReaper(HoldProperties properties, ReservationScripts scripts, SeatCatalog catalog, Clock clock) {
		return new Ticker("hold reaper", properties.reaperInterval(), () -> reapAll(scripts, catalog, clock));
	}

	@Bean
	Ticker scheduleRefresher(SeatCatalog catalog) {
		return new Ticker("schedule refresh", Duration.ofSeconds(30), catalog::refresh);
	}

	static Mono<Long> reapAll(ReservationScripts scripts, SeatCatalog catalog, Clock clock) {
		long now = clock.millis();
		return Flux.fromIterable(catalog.knownScheduleIds())
			.flatMap(schedule -> scripts.expireDue(schedule, now, BATCH), 8)
			.reduce(0L, Long::sum);
	}

}
