package dev.stagedoor.web;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;


/** {@code POST /api/me/stream-tickets}: a short-lived ticket for opening streams from a browser. */
@RestController
class StreamTicketController {

	private final StreamTickets tickets;

	StreamTicketController(StreamTickets tickets) {
		this.tickets = tickets;
	}

	@PostMapping("/api/me/stream-tickets")
	@ApiDoc.Answer(status = 201, body = StreamTickets.Ticket.class, headers = "Cache-Control",
			description = "A ticket for `?ticket=` on `GET …/stream` endpoints, valid until `expiresAt` (`Cache-Control: no-store`)")
	ResponseEntity<StreamTickets.Ticket> create(Authentication caller) {
		return ResponseEntity.status(HttpStatus.CREATED)
			.cacheControl(CacheControl.noStore())
			.body(this.tickets.issue(caller));
	}

}
