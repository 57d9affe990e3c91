package io.stagecoach.runner;

import io.stagecoach.job.LogLevel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * What a handler knows of, and reports about, the attempt it runs. Safe to call from any
 * thread; reports are written to the record within the runner's progress interval, stage
 * starts and ends at once.
 */
public interface JobContext {
  String jobId();

  String type();

  String tenant();

  /** 1 for the first attempt. */
  int attempt();

  JsonObject input();

  /** The fencing token of the job's lock, growing with every grant; null when it names no lock. */
  Long fencingToken();

  /** True once the job was cancelled or timed out: stop and throw {@link JobCancelledException}. */
  boolean isCancelled();

  Vertx vertx();

  /** A declared stage, or a new one named after {@code key}. */
  StageHandle stage(String key);

  /** A stage, created with {@code name} if the type did not declare it. */
  StageHandle stage(String key, String name);

  void log(LogLevel level, String message);

  default void log(String message) {
    log(LogLevel.INFO, message);
  }
}
