package dev.stagedoor.queue;

import java.time.Duration;

/** One concert's admission settings. */
record QueueSettings(int maxActive, int admitPerSecond, Duration activeTtl) {
}
