package dev.stagedoor.limits;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

/** Which requests each endpoint class limits: joining a waiting list counts as a hold. */
class EndpointClassTests {

	@Test
	void joiningAWaitingListIsLimitedLikeAHoldAndItsStreamLikeEveryStream() {
		assertThat(EndpointClass.of(HttpMethod.POST, "/api/schedules/7/reservations")).isEqualTo(EndpointClass.HOLDS);
		assertThat(EndpointClass.of(HttpMethod.POST, "/api/schedules/7/waiting-list")).isEqualTo(EndpointClass.HOLDS);
		assertThat(EndpointClass.of(HttpMethod.GET, "/api/schedules/7/waiting-list/stream")).isEqualTo(EndpointClass.SEATS);
		assertThat(EndpointClass.of(HttpMethod.GET, "/api/schedules/7/waiting-list")).isNull();
		assertThat(EndpointClass.of(HttpMethod.DELETE, "/api/schedules/7/waiting-list")).isNull();
		assertThat(EndpointClass.of(HttpMethod.POST, "/api/schedules/7/waiting-list/x")).isNull();
	}

}
