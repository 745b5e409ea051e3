/**
 * Fair play: token-bucket rate limits per user and per client address, kept in Redis so every
 * instance shares them ({@link RateLimiter}), the client address behind trusted proxies
 * ({@link ClientAddresses}) and the meter of every refusal ({@link Refusals}).
 */
package dev.stagedoor.limits;
