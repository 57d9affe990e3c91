package io.stagecoach.config;

import java.time.Duration;

/**
 * What a submission gets when neither it nor its job type says otherwise.
 *
 * @param maxAttempts attempts before a job fails for good; defaults to {@value #DEFAULT_MAX_ATTEMPTS}
 * @param timeout how long one attempt may run; defaults to 10 minutes
 */
public record JobDefaults(int maxAttempts, Duration timeout) {
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  static JobDefaults read(Section s) {
    return new JobDefaults(
        s.integer("maxAttempts", DEFAULT_MAX_ATTEMPTS, 1, 100),
        s.millis("timeoutMs", DEFAULT_TIMEOUT, Duration.ofMillis(1)));
  }
}
