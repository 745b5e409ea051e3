package dev.stagedoor.catalog;

import java.util.ArrayList;
import java.util.EnumMap;
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
 * The gauge {@code stagedoor.seats}: seats by status per schedule, counted from the shared
 * seat-map snapshot on a background ticker (so the count costs no Redis call while fans are
 * reading the map anyway, and a scrape never calls Redis).
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
			.flatMap(scheduleId -> seatMap.seats(scheduleId).map(seats -> rows(scheduleId, seats)), 4)
			.collectList()
			.doOnNext(rows -> gauge.register(rows.stream().flatMap(List::stream).toList(), true))
			.then();
	}

	private static List<MultiGauge.Row<?>> rows(long scheduleId, List<SeatView> seats) {
		Map<SeatStatus, Long> counts = new EnumMap<>(SeatStatus.class);
		for (SeatStatus status : SeatStatus.values()) {
			counts.put(status, 0L);
		}
		seats.forEach(seat -> counts.merge(seat.status(), 1L, Long::sum));
		List<MultiGauge.Row<?>> rows = new ArrayList<>();
		counts.forEach((status, count) -> rows
			.add(MultiGauge.Row.of(Tags.of("schedule", String.valueOf(scheduleId), "status", status.name()), count)));
		return rows;
	}

}
