package io.stagecoach.runner;

import io.stagecoach.job.LogLevel;

/** One stage of the running job, as its handler reports on it. Calls chain. */
public interface StageHandle {
  StageHandle start();

  /** Progress of this stage, 0..1 (clamped). */
  StageHandle progress(double progress);

  /** Sets a named value; its key is the slug of {@code name}, and setting it again replaces it. */
  StageHandle param(String name, Object value);

  StageHandle finish();

  StageHandle skip();

  StageHandle log(LogLevel level, String message);

  default StageHandle log(String message) {
    return log(LogLevel.INFO, message);
  }
}
