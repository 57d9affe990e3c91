package io.stagecoach.job;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One log line of a job. {@code seq} is given by the store, increasing per job from 1. */
public record LogLine(long seq, Instant at, LogLevel level, String stage, String message) {

  public LogLine withSeq(long value) {
    return new LogLine(value, at, level, stage, message);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("seq", seq)
        .put("at", JobJson.instant(at))
        .put("level", level.wire())
        .put("stage", stage)
        .put("message", message);
  }
}
