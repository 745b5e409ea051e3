package dev.stagedoor.events;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.kafka.*}.
 *
 * @param topic the topic of reservation events; dead letters go to {@code <topic>.DLT}
 * @param relayInterval how often each instance reads the outbox streams
 * @param claimIdle entries pending this long with another (presumably dead) relay are
 * claimed and published by this one
 */
@Validated
@ConfigurationProperties("stagedoor.kafka")
public record EventProperties(@DefaultValue("stagedoor.reservation-events") @NotBlank String topic,
		@DefaultValue("100ms") @NotNull Duration relayInterval, @DefaultValue("30s") @NotNull Duration claimIdle) {

	public String deadLetterTopic() {
		return this.topic + ".DLT";
	}

}
