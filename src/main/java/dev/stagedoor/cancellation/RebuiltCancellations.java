package dev.stagedoor.cancellation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.cancellation.CancellationScripts.CompleteStatus;
import dev.stagedoor.points.Wallets;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.reservation.Reservations;
import dev.stagedoor.reservation.RestoredReservations;
import dev.stagedoor.support.RedisKeyspace;

/**
 * What the rebuild of a schedule ({@code persistence.ScheduleRecovery}) asks of this feature,
 * so it runs the cancellation script through the feature instead of loading it again.
 */
@Component
public class RebuiltCancellations implements RestoredReservations.Tracking {

	private static final Logger log = LoggerFactory.getLogger(RebuiltCancellations.class);

	private final Reservations reservations;

	private final CancellationScripts scripts;

	private final CancellationRecords records;

	private final Wallets wallets;

	private final RedisKeyspace keyspace;

	RebuiltCancellations(Reservations reservations, CancellationScripts scripts, CancellationRecords records,
			Wallets wallets, RedisKeyspace keyspace) {
		this.reservations = reservations;
		this.scripts = scripts;
		this.records = records;
		this.wallets = wallets;
		this.keyspace = keyspace;
	}

	@Override
	public ReservationState state() {
		return ReservationState.CANCELLING;
	}

	/** CANCELLING reservations come back into the list the stuck-cancellation check reads. */
	@Override
	public String key(long scheduleId) {
		return CancellationKeys.of(this.keyspace, scheduleId).cancelling();
	}

	/**
	 * After {@code restored} is back in Redis: a CANCELLING reservation whose refund is
	 * recorded is completed ({@link #completeRefunded}); anything else needs nothing more.
	 */
	public Mono<Void> restored(RestoredReservations.Record restored) {
		if (restored.state() != ReservationState.CANCELLING) {
			return Mono.empty();
		}
		return this.wallets.refunded(restored.id())
			.flatMap(refunded -> refunded ? completeRefunded(restored.id()) : Mono.empty());
	}

	/**
	 * A restored CANCELLING reservation whose refund is recorded: the worker did its part and
	 * its CANCEL_REQUESTED is long consumed, so the cancellation is completed here (seats back
	 * on sale, CANCELLED event) and recorded as completed.
	 */
	Mono<Void> completeRefunded(String reservationId) {
		return this.reservations.findOwned(reservationId, null, true)
			.flatMap(reservation -> this.scripts.complete(reservation).doOnNext(reply -> {
				if (reply.status() == CompleteStatus.CANCELLED) {
					log.info("Cancelled: reservation {}, user {}, seats {} back on sale (completed by the rebuild)",
							reservation.id(), reservation.userId(), reservation.seatIds());
				}
			}))
			.then(this.records.completed(reservationId));
	}

}
