package dev.stagedoor.catalog;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.SeatView.SeatStatus;
import dev.stagedoor.support.MetricsProperties;
import dev.stagedoor.support.Ticker;

/**
 * The gauge {@code stagedoor.seats}: seats by status per schedule, counted on a background
 * ticker (from the shared seat-map snapshot while fans read the map, else one status script
 * call per schedule whose result is not kept), so a scrape never calls Redis.
 */
@Configuration(proxyBeanMethods = false)
class SeatMetrics {

	@Bean
	Ticker seatMetricsRefresher(MetricsProperties properties, SeatCatalog catalog, SeatMap seatMap,
			MeterRegistry meters) {
		MultiGauge seats = MultiGauge.builder("stagedoor.seats")
			.description("Seats of a schedule by status (AVAILABLE, HELD, SOLD)")
			.register(meters);
		return new Ticker("seat metrics", properties.refreshInterval(), () -> refresh(catalog, seatMap, seats));
	}

	static Mono<Void> refresh(SeatCatalog catalog, SeatMap seatMap, MultiGauge gauge) {
		return Flux.fromIterable(catalog.knownScheduleIds())
			.flatMap(scheduleId -> seatMap.counts(scheduleId).map(counts -> rows(scheduleId, counts)), 4)
			.collectList()
			.doOnNext(rows -> gauge.register(rows.stream().flatMap(List::stream).toList(), true))
			.then();
	}

	private static List<MultiGauge.Row<?>> rows(long scheduleId, Map<SeatStatus, Long> counts) {
		return counts.entrySet()
			.stream()
			.<MultiGauge.Row<?>>map(count -> MultiGauge.Row
				.of(Tags.of("schedule", String.valueOf(scheduleId), "status", count.getKey().name()), count.getValue()))
			.toList();
	}

}
