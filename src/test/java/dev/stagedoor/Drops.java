package dev.stagedoor;

import java.util.List;
import java.util.Map;

import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.client.StagedoorClient.Section;

/** Test set-up of a ticket drop through the public API: a concert, its queue, a schedule. */
public final class Drops {

	private Drops() {
	}

	/** A concert whose waiting room admits everyone at once, with one schedule of rows × seatsPerRow seats at 100 each. */
	public static Drop create(int port, String title, int rows, int seatsPerRow) {
		long concert = Concerts.create(port, title);
		Concerts.configureQueue(port, concert, 100_000, 100_000, 3600);
		long schedule = schedule(port, concert, rows, seatsPerRow, null);
		return new Drop(concert, schedule, seatIds(port, schedule));
	}

	public static long schedule(int port, long concert, int rows, int seatsPerRow, String cancelDeadline) {
		return StagedoorClient.on(port)
			.createSchedule(TestTokens.admin("admin"), concert, "2099-06-01T19:00:00Z", cancelDeadline,
					List.of(new Section("A", rows, seatsPerRow, 100)))
			.block(Concerts.TIMEOUT)
			.expect(201)
			.number("id");
	}

	public static List<Map<String, Object>> seats(int port, long schedule) {
		return StagedoorClient.on(port)
			.seats(TestTokens.user("seat-map-reader"), schedule)
			.block(Concerts.TIMEOUT)
			.expect(200)
			.objects();
	}

	public static List<Long> seatIds(int port, long schedule) {
		return seats(port, schedule).stream().map(seat -> ((Number) seat.get("id")).longValue()).toList();
	}

	/** Seat id → status from the seat map. */
	public static Map<Long, String> statuses(int port, long schedule) {
		Map<Long, String> statuses = new java.util.HashMap<>();
		seats(port, schedule).forEach(seat -> statuses.put(((Number) seat.get("id")).longValue(), (String) seat.get("status")));
		return statuses;
	}

	/** Waits (the seat map is a snapshot refreshed every 250 ms) until the seat shows {@code status}. */
	public static void awaitSeat(int port, long schedule, long seat, String status) {
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.pollInterval(java.time.Duration.ofMillis(50))
			.untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(statuses(port, schedule).get(seat))
				.as("seat %d", seat)
				.isEqualTo(status));
	}

	public record Drop(long concertId, long scheduleId, List<Long> seatIds) {
	}

}
