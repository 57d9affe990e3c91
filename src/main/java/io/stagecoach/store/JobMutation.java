package io.stagecoach.store;

import io.stagecoach.job.Job;

/**
 * A change to one job, applied by {@link JobStore#update} to the current record atomically.
 * It must be quick and free of I/O: a store may run it under a lock or inside a transaction.
 */
@FunctionalInterface
public interface JobMutation {
  /**
   * Changes {@code job} in place. Returns false when there is nothing to change (the record is
   * then left as it was, version included); throws a {@code StagecoachException} to refuse.
   */
  boolean apply(Job job);
}
