package io.stagecoach.runner;

import io.stagecoach.job.Job;

/**
 * A runner with a free slot and no due job waiting takes a submission as it is stored: the job is
 * inserted already claimed by it and starts when the insert returns, without the wake-up and the
 * claim a queued job waits for (on PostgreSQL, a round trip of every job's latency). Only a job
 * due now, with no idempotency key (a replay must find the job as it is), submitted on its own.
 */
interface IdleRunner {
  /** The job claimed by this runner, its slot reserved; null when it should be queued as usual. */
  Job claimIfIdle(Job submitted);

  /** Starts a job {@link #claimIfIdle} returned, as stored. */
  void start(Job claimed);

  /** Frees the slot of a job {@link #claimIfIdle} returned that was not stored. */
  void release();
}
