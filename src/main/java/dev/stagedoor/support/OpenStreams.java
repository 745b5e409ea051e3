package dev.stagedoor.support;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/** The gauge {@code stagedoor.streams.open}: SSE streams open on this instance, by kind. */
@Component
public class OpenStreams {

	private final MeterRegistry meters;

	OpenStreams(MeterRegistry meters) {
		this.meters = meters;
	}

	/** The streams of one kind ({@code queue}, {@code reservation}, {@code seats}, …). */
	public Kind kind(String kind) {
		AtomicLong open = new AtomicLong();
		Gauge.builder("stagedoor.streams.open", open, AtomicLong::get)
			.description("SSE streams open on this instance")
			.tag("kind", kind)
			.strongReference(true)
			.register(this.meters);
		return new Kind(open);
	}

	public static final class Kind {

		private final AtomicLong open;

		private Kind(AtomicLong open) {
			this.open = open;
		}

		/** The stream, counted as open from its subscription until it completes, fails or is cancelled. */
		public <T> Flux<T> track(Flux<T> stream) {
			return stream.doOnSubscribe(subscription -> this.open.incrementAndGet())
				.doFinally(signal -> this.open.decrementAndGet());
		}

	}

}
