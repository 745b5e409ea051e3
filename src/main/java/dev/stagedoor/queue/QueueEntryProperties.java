package dev.stagedoor.queue;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.queue.max-entries-per-address-per-minute}: the most distinct users who may
 * take a new place in one concert's waiting room from one client address in any minute (0 = no
 * cap). Fans behind one carrier NAT or office proxy share an address, so the default (100) is
 * meant to stop an account fleet, not a crowd; see the README ("Fair play").
 */
@Validated
@ConfigurationProperties("stagedoor.queue")
public record QueueEntryProperties(
		@DefaultValue("100") @Min(0) @Max(1_000_000) int maxEntriesPerAddressPerMinute) {
}
