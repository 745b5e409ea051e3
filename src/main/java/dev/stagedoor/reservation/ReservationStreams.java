package dev.stagedoor.reservation;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

import dev.stagedoor.support.OpenStreams;
import dev.stagedoor.web.CurrentUser;

/**
 * Reservation streams: a {@code state} event per transition, with the version as event id.
 * Every transition is kept in the reservation's history, so a client reconnecting with
 * {@code Last-Event-ID} gets exactly the transitions after it, none skipped even when two
 * happened between polls. Completes after a final state.
 */
@Component
class ReservationStreams {

	static final Duration POLL = Duration.ofMillis(250);

	private static final Duration HEARTBEAT = Duration.ofSeconds(15);

	private final Reservations reservations;

	private final OpenStreams.Kind open;

	ReservationStreams(Reservations reservations, OpenStreams openStreams) {
		this.reservations = reservations;
		this.open = openStreams.kind("reservation");
	}

	/**
	 * The transitions after {@code afterVersion}, then each new one. A stream resumed with
	 * nothing new starts with a comment, so the response (status and headers) goes out at
	 * once rather than with the first transition or heartbeat; one resumed at a final state
	 * it has already seen ends at once.
	 */
	Flux<ServerSentEvent<Reservation>> follow(Reservation first, long afterVersion, CurrentUser user) {
		boolean upToDate = first.version() <= afterVersion;
		if (upToDate && first.state().isFinal()) {
			return Flux.empty();
		}
		Flux<ServerSentEvent<Reservation>> stream = transitions(first, afterVersion, user);
		return this.open.track(upToDate ? Flux.concat(Flux.just(UP_TO_DATE), stream) : stream);
	}

	private Flux<ServerSentEvent<Reservation>> transitions(Reservation first, long afterVersion, CurrentUser user) {
		AtomicLong sent = new AtomicLong(afterVersion);
		Flux<Reservation> snapshots = Flux.concat(Flux.just(first),
				Flux.interval(POLL).onBackpressureDrop().concatMap(tick -> this.reservations.findOwned(first.id(),
						user.id(), user.admin())));
		Flux<ServerSentEvent<Reservation>> events = snapshots.concatMap(current -> Flux
			.fromIterable(current.history().values())
			.filter(transition -> transition.version() > sent.get())
			.doOnNext(transition -> sent.set(transition.version()))
			.map(transition -> ServerSentEvent.builder(asOf(current, transition))
				.id(String.valueOf(transition.version()))
				.event("state")
				.build()))
			.takeUntil(event -> event.data().state().isFinal());
		Flux<ServerSentEvent<Reservation>> heartbeats = Flux.interval(HEARTBEAT)
			.map(tick -> ServerSentEvent.<Reservation>builder().comment("heartbeat").build());
		return Flux.merge(events.concatWith(Flux.just(END)), heartbeats).takeUntil(event -> event == END)
			.filter(event -> event != END);
	}

	private static final ServerSentEvent<Reservation> END = ServerSentEvent.<Reservation>builder().comment("end").build();

	private static final ServerSentEvent<Reservation> UP_TO_DATE = ServerSentEvent.<Reservation>builder()
		.comment("up to date")
		.build();

	/** The reservation as it was at one transition (state and version of that transition). */
	private static Reservation asOf(Reservation current, Reservation.Transition transition) {
		return new Reservation(current.id(), current.scheduleId(), current.userId(), current.seatIds(),
				current.items(), transition.state(), current.amount(), current.heldUntil(), transition.version(), current.history(),
				current.offer());
	}

}
