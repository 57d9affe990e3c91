package io.stagecoach.runner;

import io.stagecoach.job.JobError;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** How one attempt ended, before it is written to the record. */
record Outcome(Kind kind, JsonObject result, JobError error, boolean retryable) {

  enum Kind {
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** The lock is busy (onBusy wait) or unreachable: back to queued, the attempt not counted. */
    REQUEUED;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** As metrics name it. */
    String wire() {
      return wire;
    }
  }

  static Outcome succeeded(JsonObject result) {
    return new Outcome(Kind.SUCCEEDED, result == null ? new JsonObject() : result, null, false);
  }

  static Outcome failed(String code, String message, boolean retryable) {
    return new Outcome(Kind.FAILED, null, new JobError(code, message), retryable);
  }

  static Outcome cancelled() {
    return new Outcome(Kind.CANCELLED, null, null, false);
  }

  static Outcome requeued() {
    return new Outcome(Kind.REQUEUED, null, null, false);
  }
}
