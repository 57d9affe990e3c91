package io.stagecoach.runner;

import io.stagecoach.bus.Event;
import io.stagecoach.bus.EventType;
import io.stagecoach.bus.JobEvents;
import io.stagecoach.config.RunnerConfig;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobError;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.LogLevel;
import io.stagecoach.job.LogLine;
import io.stagecoach.job.StageStatus;
import java.time.Instant;
import java.util.List;

/**
 * What happens to a job whose runner stopped renewing its lease (it died, or lost the store):
 * an attempt that had started failed, and the job is queued again if attempts are left; a claim
 * whose start was never recorded gives the job back as it was, the attempt not spent.
 */
final class LeaseReaper {
  private LeaseReaper() {
  }

  /** A store mutation: applies only while the lease is still expired (its runner may have renewed since). */
  static boolean requeue(Job job, Instant now, RunnerConfig config) {
    if (!job.status().isActive() || job.leaseExpiresAt() == null || job.leaseExpiresAt().isAfter(now)) {
      return false;
    }
    if (job.status() == JobStatus.CANCELLING) {
      job.closeStages(StageStatus.CANCELLED, StageStatus.SKIPPED, now);
      job.moveTo(JobStatus.CANCELLED, now);
      return true;
    }
    if (!job.attemptStarted()) {
      job.unclaim(now, now);
      return true;
    }
    job.closeStages(StageStatus.FAILED, null, now);
    job.error(new JobError(JobError.LEASE_EXPIRED,
        "the runner of attempt " + job.attempt() + " stopped renewing its lease"));
    if (job.attempt() < job.maxAttempts()) {
      job.moveTo(JobStatus.QUEUED, now);
      job.runAt(now);
    } else {
      job.moveTo(JobStatus.FAILED, now);
    }
    return true;
  }

  /** What the reaping announces: nothing if the runner renewed in the meantime (nothing changed). */
  static List<Event> events(JobEvents events, Job job) {
    if (job.status().isActive()) {
      return List.of();
    }
    EventType type = switch (job.status()) {
      case QUEUED -> givenBack(job) ? EventType.JOB_QUEUED : EventType.JOB_RETRYING;
      case CANCELLED -> EventType.JOB_CANCELLED;
      default -> EventType.JOB_FAILED;
    };
    return List.of(events.of(type, job));
  }

  /** The log line of a reaping that changed the job. */
  static LogLine logLine(Job reaped, Instant now) {
    String what = givenBack(reaped)
        ? "the runner that claimed attempt " + (reaped.attempt() + 1) + " stopped before it started; queued again, the"
            + " attempt not counted"
        : "lease of attempt " + reaped.attempt() + " expired; job " + reaped.status().wire();
    return new LogLine(0, now, LogLevel.WARN, null, what);
  }

  /** A reaped claim whose attempt had not started: queued again with no start (a failed attempt keeps its). */
  private static boolean givenBack(Job reaped) {
    return reaped.status() == JobStatus.QUEUED && reaped.startedAt() == null;
  }
}
