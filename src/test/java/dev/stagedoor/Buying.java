package dev.stagedoor;

import java.util.List;
import java.util.UUID;

import dev.stagedoor.Drops.Drop;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.HoldingClient;

/** Test support: a fan who charges points, holds seats and pays, through the API. */
public final class Buying {

	private Buying() {
	}

	/** Charges {@code points}, holds {@code seats} and pays; returns the CONFIRMED reservation's id. */
	public static String buy(int port, WaitingRoom room, Drop drop, String user, long points, List<Long> seats) {
		Fans fans = new Fans(port);
		Fans.Reply charged = fans.charge(user, UUID.randomUUID().toString(), points).block();
		if (charged.status() != 201) {
			throw new IllegalStateException("charge failed: " + charged);
		}
		String token = Admissions.admit(room, drop.concertId(), user);
		String id = (String) new HoldingClient(port).hold(drop.scheduleId(), user, token, seats).get("id");
		Fans.Reply paid = fans.pay(user, id).block();
		if (paid.status() != 200) {
			throw new IllegalStateException("payment failed: " + paid);
		}
		return id;
	}

}
