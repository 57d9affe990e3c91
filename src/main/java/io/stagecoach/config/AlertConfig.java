package io.stagecoach.config;

import java.time.Duration;

/**
 * Alerts (SPEC §8).
 *
 * @param failuresInARow failed attempts of one job type in a row (within a tenant, a success in
 *     between starting the count again) that raise {@code job.failing}; defaults to
 *     {@value #DEFAULT_FAILURES_IN_A_ROW}
 * @param dedupWindow how long after an alert another of the same tenant, type and subject is not
 *     raised again; defaults to 5 minutes
 * @param retention how long alerts and audit entries are kept before they are pruned; defaults to 90 days
 */
public record AlertConfig(int failuresInARow, Duration dedupWindow, Duration retention) {
  public static final int DEFAULT_FAILURES_IN_A_ROW = 3;
  public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(5);
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);

  static AlertConfig read(Section s) {
    return new AlertConfig(
        s.integer("failuresInARow", DEFAULT_FAILURES_IN_A_ROW, 1, 1_000_000),
        s.millis("dedupWindowMs", DEFAULT_DEDUP_WINDOW, Duration.ZERO),
        s.millis("retentionMs", DEFAULT_RETENTION, Duration.ofMinutes(1)));
  }
}
