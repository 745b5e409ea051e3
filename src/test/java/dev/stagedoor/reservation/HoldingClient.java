package dev.stagedoor.reservation;

import java.util.List;
import java.util.Map;

/** Test support for other packages: hold requests through the API. */
public final class HoldingClient {

	private final Holding holding;

	public HoldingClient(int port) {
		this.holding = new Holding(port);
	}

	public Map<String, Object> hold(long schedule, String user, String queueToken, List<Long> seatIds) {
		Holding.Reply reply = this.holding.hold(schedule, user, queueToken, seatIds).block();
		if (reply.status() != 201) {
			throw new IllegalStateException("hold failed: " + reply);
		}
		return reply.body();
	}

	/** The status a hold request gets. */
	public int status(long schedule, String user, String queueToken, List<Long> seatIds) {
		return this.holding.hold(schedule, user, queueToken, seatIds).block().status();
	}

}
