package io.stagecoach.store.memory;

import io.stagecoach.bus.Event;
import io.stagecoach.config.StoreConfig;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.LogLine;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.store.Announcer;
import io.stagecoach.store.AttemptStart;
import io.stagecoach.store.Inserted;
import io.stagecoach.store.JobMutation;
import io.stagecoach.store.JobQuery;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.JobWrite;
import io.stagecoach.store.WriteResult;
import io.stagecoach.store.LogPage;
import io.stagecoach.store.Page;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The embedded store: everything in this process's heap, gone when it stops. One monitor guards
 * all state; every operation is short and never waits, so callers on event loops are safe.
 * Besides retention by age, it keeps at most {@code maxFinished} finished jobs: each job that
 * finishes beyond that evicts the one that finished first, with its logs. Unfinished jobs stay.
 */
public final class MemoryJobStore implements JobStore {

  /** A queued job's place in the queues; immutable, so a job's later changes cannot corrupt the order. */
  private record Slot(String id, int priority, Instant runAt) {
  }

  /** Earliest first, then by id (written out: the composed comparators showed in drain profiles). */
  private static final Comparator<Slot> BY_RUN_AT = (a, b) -> {
    int byTime = a.runAt().compareTo(b.runAt());
    return byTime != 0 ? byTime : a.id().compareTo(b.id());
  };
  /** Highest priority first, then earliest, then by id: the claim order. */
  private static final Comparator<Slot> BY_PRIORITY = (a, b) ->
      a.priority() != b.priority() ? Integer.compare(b.priority(), a.priority()) : BY_RUN_AT.compare(a, b);

  private static final class Logs {
    final ArrayDeque<LogLine> lines = new ArrayDeque<>();
    long nextSeq = 1;
    long dropped;
  }

  private final Clock clock;
  private final int logCap;
  private final int maxFinished;
  private final NavigableMap<String, Job> jobs = new TreeMap<>();
  private final Map<String, String> idempotencyKeys = new HashMap<>();
  private final Map<String, Slot> slots = new HashMap<>();
  /** Queued jobs by runAt; those whose time has come move to {@link #ready} when claiming. */
  private final TreeSet<Slot> delayed = new TreeSet<>(BY_RUN_AT);
  private final TreeSet<Slot> ready = new TreeSet<>(BY_PRIORITY);
  private final Set<String> active = new HashSet<>();
  private final Map<String, Logs> logs = new HashMap<>();
  /** Finished jobs' ids in the order they finished, oldest first: what eviction and pruning walk. */
  private final LinkedHashSet<String> finished = new LinkedHashSet<>();

  private final MemoryOutbox outbox;

  public MemoryJobStore(Clock clock, int logCap) {
    this(clock, logCap, StoreConfig.DEFAULT_MAX_FINISHED_JOBS, new MemoryOutbox());
  }

  /**
   * A store that keeps at most {@code maxFinished} finished jobs, whose subscribed events go to
   * {@code outbox}, which the webhook store empties.
   */
  public MemoryJobStore(Clock clock, int logCap, int maxFinished, MemoryOutbox outbox) {
    if (maxFinished < 1) {
      throw new IllegalArgumentException("maxFinished must be at least 1, not " + maxFinished);
    }
    this.clock = clock;
    this.logCap = logCap;
    this.maxFinished = maxFinished;
    this.outbox = outbox;
  }

  @Override
  public synchronized Future<List<Inserted>> insertAll(List<Job> batch, Announcer announcer) {
    // Check every idempotency key first, against the store and the batch itself, so that a
    // conflict leaves nothing stored.
    Map<String, String> batchFingerprints = new HashMap<>();
    try {
      for (Job job : batch) {
        replayOf(job);
        if (job.idempotencyKey() != null) {
          String index = idempotencyIndex(job);
          if (batchFingerprints.containsKey(index)
              && !Objects.equals(batchFingerprints.get(index), job.fingerprint())) {
            throw conflict(job);
          }
          batchFingerprints.putIfAbsent(index, job.fingerprint());
        }
      }
    } catch (StagecoachException e) {
      return Future.failedFuture(e);
    }
    List<Inserted> out = new ArrayList<>(batch.size());
    for (Job job : batch) {
      out.add(insertOne(job, announcer));
    }
    return Future.succeededFuture(out);
  }

  private Inserted insertOne(Job job, Announcer announcer) {
    Job existing = replayOf(job);
    if (existing != null) {
      return Inserted.replayed(existing.copy());
    }
    Job stored = job.copy();
    jobs.put(stored.id(), stored);
    if (stored.idempotencyKey() != null) {
      idempotencyKeys.put(idempotencyIndex(stored), stored.id());
    }
    reindex(stored);
    Job answer = stored.copy();
    List<Event> events = announcer.announce(answer);
    outbox.add(events);
    return Inserted.created(answer, events);
  }

  /** The job an idempotency key already names, or null; a different body with it is a conflict. */
  private Job replayOf(Job job) {
    if (job.idempotencyKey() == null) {
      return null;
    }
    String id = idempotencyKeys.get(idempotencyIndex(job));
    Job existing = id == null ? null : jobs.get(id);
    if (existing != null && !Objects.equals(existing.fingerprint(), job.fingerprint())) {
      throw conflict(job);
    }
    return existing;
  }

  private static StagecoachException conflict(Job job) {
    return new StagecoachException(ErrorCode.IDEMPOTENCY_CONFLICT,
        "idempotency key '" + job.idempotencyKey() + "' was used with a different submission");
  }

  private static String idempotencyIndex(Job job) {
    return job.tenant() + '\u0000' + job.idempotencyKey();
  }

  @Override
  public synchronized Future<Job> get(String id) {
    Job job = jobs.get(id);
    return Future.succeededFuture(job == null ? null : job.copy());
  }

  @Override
  public synchronized Future<Page<Job>> list(JobQuery query) {
    NavigableMap<String, Job> newestFirst = query.afterId() == null
        ? jobs.descendingMap()
        : jobs.headMap(query.afterId(), false).descendingMap();
    List<Job> items = new ArrayList<>();
    boolean more = false;
    for (Job job : newestFirst.values()) {
      if (!matches(job, query)) {
        continue;
      }
      if (items.size() == query.limit()) {
        more = true;
        break;
      }
      items.add(job.copy());
    }
    String lastKey = more ? items.get(items.size() - 1).id() : null;
    return Future.succeededFuture(new Page<>(items, lastKey));
  }

  private static boolean matches(Job job, JobQuery query) {
    return (query.tenant() == null || query.tenant().equals(job.tenant()))
        && (query.status() == null || query.status() == job.status())
        && (query.type() == null || query.type().equals(job.type()))
        && (query.labels() == null || job.labels().entrySet().containsAll(query.labels().entrySet()));
  }

  @Override
  public synchronized Future<Job> update(String id, JobMutation mutation) {
    WriteResult result = apply(new JobWrite(id, mutation, List.of()));
    return result.refusal() == null ? Future.succeededFuture(result.job()) : Future.failedFuture(result.refusal());
  }

  @Override
  public synchronized Future<List<WriteResult>> writeAll(List<JobWrite> writes) {
    List<WriteResult> results = new ArrayList<>(writes.size());
    for (JobWrite write : writes) {
      results.add(apply(write));
      if (jobs.containsKey(write.id())) {
        append(write.id(), write.logs());
      }
    }
    return Future.succeededFuture(results);
  }

  /** One write: the mutation on a copy, stored (and announced) only if it changed something. */
  private WriteResult apply(JobWrite write) {
    Job current = jobs.get(write.id());
    if (current == null) {
      return WriteResult.refused(StagecoachException.notFound("job " + write.id()));
    }
    Job changed = current.copy();
    try {
      if (!write.mutation().apply(changed)) {
        return WriteResult.written(current.copy(), List.of());
      }
    } catch (RuntimeException refused) {
      return WriteResult.refused(refused);
    }
    changed.touch(clock.instant());
    jobs.put(write.id(), changed);
    reindex(changed);
    Job answer = changed.copy();
    List<Event> events = write.announcer().announce(answer);
    outbox.add(events);
    return WriteResult.written(answer, events);
  }

  @Override
  public Future<Void> announce(List<Event> events) {
    outbox.add(events);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<Boolean>> startAttempts(String runner, List<AttemptStart> starts) {
    List<Boolean> recorded = new ArrayList<>(starts.size());
    List<Event> events = new ArrayList<>();
    for (AttemptStart start : starts) {
      Job job = jobs.get(start.jobId());
      boolean ours = job != null && job.ownedBy(runner);
      if (ours) {
        job.start(start.at());
        job.touch(start.at());
        events.addAll(start.events());
      }
      recorded.add(ours);
    }
    outbox.add(events);
    return Future.succeededFuture(recorded);
  }

  @Override
  public synchronized Future<List<Job>> claimDue(String runner, int limit, Duration leaseTtl) {
    Instant now = clock.instant();
    while (!delayed.isEmpty() && !delayed.first().runAt().isAfter(now)) {
      ready.add(delayed.pollFirst());
    }
    List<Job> claimed = new ArrayList<>(Math.min(limit, ready.size()));
    while (claimed.size() < limit && !ready.isEmpty()) {
      Job job = jobs.get(ready.first().id()).copy();
      job.claim(runner, now, now.plus(leaseTtl));
      job.touch(now);
      jobs.put(job.id(), job);
      reindex(job);
      claimed.add(job.copy());
    }
    return Future.succeededFuture(claimed);
  }

  @Override
  public synchronized Future<Instant> nextRunAt() {
    if (!ready.isEmpty()) {
      return Future.succeededFuture(clock.instant());
    }
    return Future.succeededFuture(delayed.isEmpty() ? null : delayed.first().runAt());
  }

  @Override
  public synchronized Future<List<Job>> renewLeases(String runner, Collection<String> ids, Duration leaseTtl) {
    Instant until = clock.instant().plus(leaseTtl);
    List<Job> renewed = new ArrayList<>(ids.size());
    for (String id : ids) {
      Job job = jobs.get(id);
      if (job != null && job.ownedBy(runner)) {
        // A lease renewal is bookkeeping, not a visible change: no version bump.
        job.leaseExpiresAt(until);
        renewed.add(job.copy());
      }
    }
    return Future.succeededFuture(renewed);
  }

  @Override
  public synchronized Future<List<Job>> expiredLeases(Instant now, int limit) {
    List<Job> expired = new ArrayList<>();
    for (String id : active) {
      Job job = jobs.get(id);
      if (job.leaseExpiresAt() != null && job.leaseExpiresAt().isBefore(now)) {
        expired.add(job.copy());
        if (expired.size() == limit) {
          break;
        }
      }
    }
    return Future.succeededFuture(expired);
  }

  @Override
  public synchronized Future<Void> appendLogs(String jobId, List<LogLine> lines) {
    if (!jobs.containsKey(jobId)) {
      // As in PostgreSQL: no logs without their job, so that none outlive an evicted or pruned one.
      return Future.failedFuture(StagecoachException.notFound("job " + jobId));
    }
    append(jobId, lines);
    return Future.succeededFuture();
  }

  private void append(String jobId, List<LogLine> lines) {
    Logs jobLogs = logs.computeIfAbsent(jobId, id -> new Logs());
    for (LogLine line : lines) {
      jobLogs.lines.addLast(line.withSeq(jobLogs.nextSeq++));
      if (jobLogs.lines.size() > logCap) {
        jobLogs.lines.removeFirst();
        jobLogs.dropped++;
      }
    }
  }

  @Override
  public synchronized Future<LogPage> logs(String jobId, long afterSeq, int limit) {
    Logs jobLogs = logs.get(jobId);
    if (jobLogs == null) {
      return Future.succeededFuture(new LogPage(List.of(), 0));
    }
    List<LogLine> items = new ArrayList<>();
    for (LogLine line : jobLogs.lines) {
      if (line.seq() > afterSeq) {
        items.add(line);
        if (items.size() == limit) {
          break;
        }
      }
    }
    return Future.succeededFuture(new LogPage(items, jobLogs.dropped));
  }

  @Override
  public synchronized Future<Map<JobStatus, Long>> countActive() {
    Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    JobStatus.UNFINISHED.forEach(status -> counts.put(status, 0L));
    counts.put(JobStatus.QUEUED, (long) slots.size());
    for (String id : active) {
      counts.merge(jobs.get(id).status(), 1L, Long::sum);
    }
    return Future.succeededFuture(counts);
  }

  @Override
  public synchronized Future<Integer> pruneFinished(Instant finishedBefore, int limit) {
    // Oldest first in the order the ends were written, stopping at the first too recent: an end
    // written after a later one (batched a moment apart) waits for the next pass.
    int pruned = 0;
    for (Iterator<String> oldest = finished.iterator(); pruned < limit && oldest.hasNext(); pruned++) {
      Job job = jobs.get(oldest.next());
      if (!job.finishedAt().isBefore(finishedBefore)) {
        break;
      }
      oldest.remove();
      forget(job);
    }
    return Future.succeededFuture(pruned);
  }

  /** Removes a finished job, its logs and its idempotency key; the caller takes it out of {@link #finished}. */
  private void forget(Job job) {
    jobs.remove(job.id());
    logs.remove(job.id());
    if (job.idempotencyKey() != null) {
      idempotencyKeys.remove(idempotencyIndex(job), job.id());
    }
  }

  /** What the store holds, for tests that nothing outlives an evicted job. */
  record Held(int jobs, int finished, int logs, int idempotencyKeys) {
  }

  synchronized Held held() {
    return new Held(jobs.size(), finished.size(), logs.size(), idempotencyKeys.size());
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  /** Puts the job into the one index its status calls for, out of every other. */
  private void reindex(Job job) {
    Slot old = slots.remove(job.id());
    if (old != null) {
      delayed.remove(old);
      ready.remove(old);
    }
    active.remove(job.id());
    if (job.status() == JobStatus.QUEUED) {
      Slot slot = new Slot(job.id(), job.priority(), job.runAt());
      slots.put(job.id(), slot);
      delayed.add(slot);
    } else if (job.status().isActive()) {
      active.add(job.id());
    }
    if (!job.status().isTerminal()) {
      finished.remove(job.id()); // a retried job: unfinished again, so not evictable
    } else if (finished.add(job.id()) && finished.size() > maxFinished) {
      evictOldestFinished();
    }
  }

  /** The job that finished first goes; one finish evicts at most one job, so this is O(1) per finish. */
  private void evictOldestFinished() {
    Iterator<String> oldest = finished.iterator();
    Job job = jobs.get(oldest.next());
    oldest.remove();
    forget(job);
  }
}
