package io.stagecoach.store;

import io.stagecoach.job.Job;

/** What became of one {@link JobWrite}: the job as stored, or why it was refused. */
public record WriteResult(Job job, RuntimeException refusal) {

  public static WriteResult written(Job job) {
    return new WriteResult(job, null);
  }

  public static WriteResult refused(RuntimeException why) {
    return new WriteResult(null, why);
  }
}
