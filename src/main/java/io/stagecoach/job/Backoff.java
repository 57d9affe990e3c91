package io.stagecoach.job;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * {@code base * 2^(n-1)}, capped at {@code max}, so retries of many failed jobs spread out.
 */
public record Backoff(Duration base, Duration max) {

  public Duration delayBefore(int nextAttempt) {
    int exponent = Math.max(0, Math.min(30, nextAttempt - 2));
    long maxMillis = max.toMillis();
    long baseMillis = base.toMillis();
    // base * 2^exponent, compared before shifting so that a large base caps instead of overflowing.
    long ceiling = baseMillis > (maxMillis >> exponent) ? maxMillis : baseMillis << exponent;
    long half = ceiling / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
  }
}
