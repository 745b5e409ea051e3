package dev.stagedoor.support;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.metrics.*}.
 *
 * @param refreshInterval how often the gauges read from Redis (waiting rooms, seats by
 * status, outbox backlogs) are refreshed in the background; a scrape only reads the values
 * cached then, so scraping never calls Redis
 */
@Validated
@ConfigurationProperties("stagedoor.metrics")
public record MetricsProperties(@DefaultValue("5s") @NotNull Duration refreshInterval) {
}
