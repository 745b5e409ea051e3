package dev.stagedoor.catalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

import dev.stagedoor.support.OpenStreams;

/**
 * Seat-map streams: a {@code snapshot} event with every seat, then {@code seats} events with
 * the seats whose status changed. Every follower reads the shared per-schedule snapshot,
 * so followers add no Redis load.
 */
@Component
class SeatStreams {

	private static final Duration HEARTBEAT = Duration.ofSeconds(15);

	private final SeatMap seatMap;

	private final OpenStreams.Kind open;

	SeatStreams(SeatMap seatMap, OpenStreams openStreams) {
		this.seatMap = seatMap;
		this.open = openStreams.kind("seats");
	}

	Flux<ServerSentEvent<Object>> follow(long scheduleId) {
		AtomicReference<List<SeatView>> last = new AtomicReference<>();
		Flux<ServerSentEvent<Object>> changes = Flux.interval(Duration.ZERO, SeatMap.MAX_AGE)
			.onBackpressureDrop()
			.concatMap(tick -> this.seatMap.seats(scheduleId))
			.concatMap(seats -> {
				List<SeatView> previous = last.getAndSet(seats);
				if (previous == null) {
					return Flux.just(ServerSentEvent.builder((Object) seats).event("snapshot").build());
				}
				List<SeatChange> changed = diff(previous, seats);
				return changed.isEmpty() ? Flux.empty()
						: Flux.just(ServerSentEvent.builder((Object) changed).event("seats").build());
			});
		Flux<ServerSentEvent<Object>> heartbeats = Flux.interval(HEARTBEAT)
			.map(tick -> ServerSentEvent.builder().comment("heartbeat").build());
		return this.open.track(Flux.merge(changes, heartbeats));
	}

	private static List<SeatChange> diff(List<SeatView> before, List<SeatView> after) {
		List<SeatChange> changed = new ArrayList<>();
		for (int i = 0; i < after.size(); i++) {
			if (i >= before.size() || before.get(i).status() != after.get(i).status()) {
				changed.add(new SeatChange(after.get(i).id(), after.get(i).status()));
			}
		}
		return changed;
	}

	record SeatChange(long id, SeatView.SeatStatus status) {
	}

}
