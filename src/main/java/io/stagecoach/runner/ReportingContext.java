package io.stagecoach.runner;

import io.stagecoach.job.LogLevel;
import io.stagecoach.job.Slug;
import io.stagecoach.job.StageStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;

/** A {@link JobContext} that hands every report to a {@link JobReporter}; local and remote runs share it. */
public final class ReportingContext implements JobContext {
  private final Vertx vertx;
  private final String jobId;
  private final String type;
  private final String tenant;
  private final int attempt;
  private final JsonObject input;
  private final Long fencingToken;
  private final BooleanSupplier cancelled;
  private final JobReporter reporter;

  public ReportingContext(Vertx vertx, String jobId, String type, String tenant, int attempt, JsonObject input,
      Long fencingToken, BooleanSupplier cancelled, JobReporter reporter) {
    this.vertx = vertx;
    this.jobId = jobId;
    this.type = type;
    this.tenant = tenant;
    this.attempt = attempt;
    this.input = input;
    this.fencingToken = fencingToken;
    this.cancelled = cancelled;
    this.reporter = reporter;
  }

  @Override public String jobId() { return jobId; }
  @Override public String type() { return type; }
  @Override public String tenant() { return tenant; }
  @Override public int attempt() { return attempt; }
  @Override public JsonObject input() { return input; }
  @Override public Long fencingToken() { return fencingToken; }
  @Override public boolean isCancelled() { return cancelled.getAsBoolean(); }
  @Override public Vertx vertx() { return vertx; }

  @Override
  public StageHandle stage(String key) {
    return new Handle(key, key);
  }

  @Override
  public StageHandle stage(String key, String name) {
    return new Handle(key, name);
  }

  @Override
  public void log(LogLevel level, String message) {
    reporter.log(level, null, message);
  }

  private final class Handle implements StageHandle {
    private final String key;
    private final String name;

    Handle(String key, String name) {
      this.key = Slug.of(key);
      this.name = name;
    }

    @Override
    public StageHandle start() {
      reporter.startStage(key, name);
      return this;
    }

    @Override
    public StageHandle progress(double progress) {
      reporter.progress(key, progress);
      return this;
    }

    @Override
    public StageHandle param(String paramName, Object value) {
      reporter.param(key, paramName, value);
      return this;
    }

    @Override
    public StageHandle finish() {
      reporter.finishStage(key, StageStatus.SUCCEEDED);
      return this;
    }

    @Override
    public StageHandle skip() {
      reporter.finishStage(key, StageStatus.SKIPPED);
      return this;
    }

    @Override
    public StageHandle log(LogLevel level, String message) {
      reporter.log(level, key, message);
      return this;
    }
  }
}
