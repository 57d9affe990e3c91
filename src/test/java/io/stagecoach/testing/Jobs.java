package io.stagecoach.testing;

import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.LogLevel;
import io.stagecoach.job.LogLine;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;

/**
 * Test data for stores and records: {@code aQueuedJob(clock).priority(5).labels(Map.of("p", "1"))}.
 * Each job gets a fresh UUIDv7 id, so jobs made later sort after jobs made earlier.
 */
public final class Jobs {
  public static final String TYPE = "test.echo";
  public static final String TENANT = "acme";

  private Jobs() {
  }

  /** A queued job of tenant {@value #TENANT}, due now, as a submission would make it. */
  public static Job aQueuedJob(Clock clock) {
    return new Job(JobIds.next(), TYPE, TENANT, clock.instant())
        .input(new JsonObject().put("n", 1))
        .maxAttempts(3)
        .timeoutMs(60_000)
        .labels(Map.of())
        .fingerprint("fingerprint-of-the-default-submission");
  }

  /** A queued job of {@code tenant} carrying {@code key} with a submission {@code fingerprint}. */
  public static Job anIdempotentJob(Clock clock, String tenant, String key, String fingerprint) {
    return new Job(JobIds.next(), TYPE, tenant, clock.instant())
        .input(new JsonObject().put("n", 1))
        .maxAttempts(3)
        .timeoutMs(60_000)
        .labels(Map.of())
        .idempotencyKey(key)
        .fingerprint(fingerprint);
  }

  /** A log line as a runner hands it to the store: not yet numbered. */
  public static LogLine aLogLine(Clock clock, String message) {
    return new LogLine(0, clock.instant(), LogLevel.INFO, null, message);
  }
}
