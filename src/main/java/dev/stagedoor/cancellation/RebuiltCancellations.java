package dev.stagedoor.cancellation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.cancellation.CancellationScripts.CompleteStatus;
import dev.stagedoor.reservation.Reservations;

/**
 * What the rebuild of a schedule ({@code persistence.ScheduleRecovery}) asks of this feature,
 * so it runs the cancellation script through the feature instead of loading it again.
 */
@Component
public class RebuiltCancellations {

	private static final Logger log = LoggerFactory.getLogger(RebuiltCancellations.class);

	private final Reservations reservations;

	private final CancellationScripts scripts;

	private final CancellationRecords records;

	RebuiltCancellations(Reservations reservations, CancellationScripts scripts, CancellationRecords records) {
		this.reservations = reservations;
		this.scripts = scripts;
		this.records = records;
	}

	/**
	 * A restored CANCELLING reservation whose refund is recorded: the worker did its part and
	 * its CANCEL_REQUESTED is long consumed, so the cancellation is completed here (seats back
	 * on sale, CANCELLED event) and recorded as completed.
	 */
	public Mono<Void> completeRefunded(String reservationId) {
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
