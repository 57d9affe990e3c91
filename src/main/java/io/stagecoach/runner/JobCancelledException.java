package io.stagecoach.runner;

/** What a handler throws (or fails with) when it stops because {@link JobContext#isCancelled()}. */
public final class JobCancelledException extends RuntimeException {
  public JobCancelledException() {
    super("job cancelled", null, false, false);
  }
}
