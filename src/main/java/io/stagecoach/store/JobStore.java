package io.stagecoach.store;

import io.stagecoach.bus.Event;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.LogLine;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where jobs and their logs live. Every method is asynchronous and never blocks the caller's
 * event loop. Records handed out are copies: changing one changes nothing stored.
 * Implementations pass {@code JobStoreContract}.
 */
public interface JobStore {

  /**
   * Stores a new queued job. When it carries an idempotency key that the tenant already used,
   * nothing is stored: the earlier job comes back with {@code created == false} if the
   * fingerprints match, and the future fails with {@code idempotency_conflict} if they differ.
   */
  default Future<Inserted> insert(Job job) {
    return insertAll(List.of(job)).map(inserted -> inserted.get(0));
  }

  /** Stores all of {@code jobs} or none of them; idempotent replays count as stored. */
  default Future<List<Inserted>> insertAll(List<Job> jobs) {
    return insertAll(jobs, Announcer.NONE);
  }

  /**
   * {@link #insertAll(List)}, announcing each job it creates (a replay announces nothing) with
   * {@code announcer}, whose subscribed events go to the outbox with the insert.
   */
  Future<List<Inserted>> insertAll(List<Job> jobs, Announcer announcer);

  /** The job, or null when there is none with that id. */
  Future<Job> get(String id);

  /** A page of jobs matching the query, newest (highest id) first. */
  Future<Page<Job>> list(JobQuery query);

  /**
   * Applies {@code mutation} to the current record atomically, bumping version and updatedAt
   * when it changes something. Fails with {@code not_found} when the job does not exist.
   */
  Future<Job> update(String id, JobMutation mutation);

  /**
   * Applies many {@link #update}s, each with its log lines and the events it announces, together: one transaction where the
   * store has them, so that a busy runner pays one commit for many finished jobs. Each write is
   * atomic on its own job; one write's refusal (its mutation threw, or the job is gone) does not
   * stop the others. A job written twice in one batch gets its second write applied to what the
   * first left. Results come in the order of {@code writes}.
   */
  Future<List<WriteResult>> writeAll(List<JobWrite> writes);

  /** One {@link #writeAll} write; a refusal fails the future with it. */
  default Future<WriteResult> write(JobWrite write) {
    return writeAll(List.of(write)).compose(results -> results.get(0).refusal() == null
        ? Future.succeededFuture(results.get(0))
        : Future.failedFuture(results.get(0).refusal()));
  }

  /**
   * Records the subscribed ones of {@code events} in the outbox on their own, for an event that
   * announces no job change of its own ({@code job.started}, {@code alert.raised}).
   */
  Future<Void> announce(List<Event> events);

  /**
   * Claims up to {@code limit} queued jobs whose {@code runAt} has come, highest priority first,
   * then earliest {@code runAt}: each becomes running, its attempt counted, leased to
   * {@code runner} until now + {@code leaseTtl}, not yet started ({@code startedAt} null; see
   * {@link #startAttempts}). Never returns a job another claim holds.
   */
  Future<List<Job>> claimDue(String runner, int limit, Duration leaseTtl);

  /**
   * Records that claimed attempts begin: each job still leased to {@code runner} gets
   * {@code startedAt} (its version bumped, {@code updatedAt} the start), with the subscribed ones of
   * its start's events in the outbox, in one write. Answers, in order, whether each start was
   * recorded; a job no longer the runner's is left as it is. A handler runs only once its start is
   * recorded, so a runner that dies before gives its claims back without spending their attempts.
   */
  Future<List<Boolean>> startAttempts(String runner, List<AttemptStart> starts);

  /** The earliest {@code runAt} of a queued job, or null when none is queued. */
  Future<Instant> nextRunAt();

  /**
   * Extends the leases {@code runner} holds on {@code ids} and returns those jobs as they are
   * now; a job missing from the answer is no longer the runner's.
   */
  Future<List<Job>> renewLeases(String runner, Collection<String> ids, Duration leaseTtl);

  /** Up to {@code limit} running or cancelling jobs whose lease ended before {@code now}. */
  Future<List<Job>> expiredLeases(Instant now, int limit);

  /** Appends log lines, numbering them; beyond the per-job cap the oldest are dropped and counted. */
  Future<Void> appendLogs(String jobId, List<LogLine> lines);

  /** Up to {@code limit} log lines with {@code seq > afterSeq}, oldest first. */
  Future<LogPage> logs(String jobId, long afterSeq, int limit);

  /**
   * Deletes up to {@code limit} finished (succeeded, failed, cancelled) jobs whose
   * {@code finishedAt} is before {@code finishedBefore}, oldest first (by finish or by creation:
   * the PostgreSQL store walks jobs in id order), with their logs; the future carries how many
   * were deleted. Retention prunes in such small batches.
   */
  Future<Integer> pruneFinished(Instant finishedBefore, int limit);

  /** How many jobs are queued, running and cancelling (each status present, 0 when none), of every tenant. */
  Future<Map<JobStatus, Long>> countActive();

  /** Succeeds when the store can serve requests (readiness). */
  Future<Void> ping();

  /**
   * Calls {@code onWake} whenever another process sharing this store submitted work, so that
   * runners start it at once. In-process submissions wake runners over the event bus, so a
   * store that only one process uses has nothing to listen for.
   */
  default Future<Void> listenForWakeups(Runnable onWake) {
    return Future.succeededFuture();
  }

  /** Releases connections and listeners; the store is not used afterwards. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
