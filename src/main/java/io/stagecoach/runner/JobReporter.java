package io.stagecoach.runner;

import io.stagecoach.job.LogLevel;
import io.stagecoach.job.StageStatus;

/** Where a {@link ReportingContext} sends what a handler reports: the runner, or the bus for a remote worker. */
public interface JobReporter {
  void startStage(String key, String name);

  void finishStage(String key, StageStatus status);

  void progress(String key, double progress);

  void param(String key, String name, Object value);

  /** {@code stageKey} may be null for a line about the whole job. */
  void log(LogLevel level, String stageKey, String message);
}
