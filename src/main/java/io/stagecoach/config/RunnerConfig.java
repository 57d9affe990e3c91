package io.stagecoach.config;

import io.stagecoach.job.Backoff;
import java.time.Duration;

/**
 * The job runner.
 *
 * @param concurrency jobs one runner runs at once, 0 for a node that serves the API but runs no jobs;
 *     defaults to {@value #DEFAULT_CONCURRENCY}
 * @param leaseTtl how long a claim lasts without renewal (renewed every third of it); defaults to 30 s
 * @param pollInterval safety-net look for due jobs when nothing woke the runner; defaults to 1 s
 * @param progressInterval least time between two progress writes/events of one job; defaults to 250 ms
 * @param backoff retry delay: base doubles per attempt up to max, with jitter; defaults to 1 s .. 10 min
 * @param lockWaitRecheck when a {@code wait} job looks at its lock again if no release woke it; defaults to 5 s
 * @param prefetch jobs a runner claims beyond its free slots, to start the moment a slot frees
 *     without a store round trip (throughput on PostgreSQL); a prefetched job is already
 *     {@code running} (claimed, leased) but its attempt starts, with {@code job.started}, when it gets
 *     a slot, and a job of higher priority submitted meanwhile does not overtake it; defaults to 0
 * @param stopGrace how long a stopping runner lets running handlers finish (their leases renewed)
 *     before it interrupts them and queues their jobs again, the attempt not counted; defaults to 10 s
 */
public record RunnerConfig(int concurrency, Duration leaseTtl, Duration pollInterval,
    Duration progressInterval, Backoff backoff, Duration lockWaitRecheck, int prefetch, Duration stopGrace) {
  public static final int DEFAULT_CONCURRENCY = 32;
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofMillis(250);
  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(10);
  public static final Duration DEFAULT_LOCK_WAIT_RECHECK = Duration.ofSeconds(5);
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);

  /** The same settings with another concurrency. */
  public RunnerConfig withConcurrency(int value) {
    return new RunnerConfig(value, leaseTtl, pollInterval, progressInterval, backoff, lockWaitRecheck,
        Math.min(prefetch, value), stopGrace);
  }

  /** The same settings with another prefetch. */
  public RunnerConfig withPrefetch(int value) {
    return new RunnerConfig(concurrency, leaseTtl, pollInterval, progressInterval, backoff, lockWaitRecheck, value,
        stopGrace);
  }

  static RunnerConfig read(Section s) {
    Duration min = Duration.ofMillis(1);
    int concurrency = s.integer("concurrency", DEFAULT_CONCURRENCY, 0, 10_000);
    int prefetch = s.integer("prefetch", 0, 0, 10_000);
    return new RunnerConfig(
        concurrency,
        s.millis("leaseTtlMs", DEFAULT_LEASE_TTL, Duration.ofMillis(100)),
        s.millis("pollIntervalMs", DEFAULT_POLL_INTERVAL, Duration.ofMillis(10)),
        s.millis("progressIntervalMs", DEFAULT_PROGRESS_INTERVAL, Duration.ZERO),
        new Backoff(s.millis("backoffBaseMs", DEFAULT_BACKOFF_BASE, min),
            s.millis("backoffMaxMs", DEFAULT_BACKOFF_MAX, min)),
        s.millis("lockWaitRecheckMs", DEFAULT_LOCK_WAIT_RECHECK, Duration.ofMillis(10)),
        concurrency == 0 ? 0 : prefetch,
        s.millis("stopGraceMs", DEFAULT_STOP_GRACE, Duration.ZERO));
  }
}
