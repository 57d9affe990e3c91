package io.stagecoach.store.pg;

import static io.stagecoach.store.pg.JobRows.millis;
import static io.stagecoach.store.pg.JobRows.timestamp;

import io.stagecoach.bus.Event;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.LogLine;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.store.Announcer;
import io.stagecoach.store.AttemptStart;
import io.stagecoach.store.Inserted;
import io.stagecoach.store.JobMutation;
import io.stagecoach.store.JobQuery;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.WriteResult;
import io.stagecoach.store.JobWrite;
import io.stagecoach.store.LogPage;
import io.stagecoach.store.Page;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The shared store: jobs and logs in PostgreSQL, so any number of engine processes can work on
 * them together. Every timestamp comes from the engine's clock (never the database's), kept to the
 * millisecond. A lost or refused connection fails the call with {@code unavailable}; nothing waits
 * without bound: connecting and waiting for a pooled connection both time out, and the wait queue
 * is bounded.
 *
 * <p>Build it with {@link #create}, which migrates the schema first; {@link #close} it when done.
 * {@link #listenForWakeups} tells a runner when another process made jobs runnable.
 */
public final class PgJobStore implements JobStore {
  /** Connections in the pool. Defaults to 8. */
  public static final int DEFAULT_POOL_SIZE = 8;
  /** Longest pause between attempts to re-establish the wake-up subscription. Defaults to 5 seconds. */
  public static final Duration MAX_RESUBSCRIBE_DELAY = Duration.ofSeconds(5);

  private static final String APPLICATION_NAME = "stagecoach";
  /** How long a runner's claims may start after its previous one before a full claim looks from the head again. */
  static final Duration FULL_CLAIM_EVERY = Duration.ofSeconds(1);

  /** Where a runner's last claim ended, in claim order, and when its next full claim is due. */
  private record ClaimPosition(int priority, Instant runAt, String id, Instant fullClaimDue) {
  }

  private static final Comparator<Job> CLAIM_ORDER = Comparator.comparingInt((Job job) -> job.priority()).reversed()
      .thenComparing((Job job) -> job.runAt()).thenComparing(Job::id);

  private final Vertx vertx;
  private final Pool pool;
  /** Per runner; claims of one runner come one at a time, from its event loop, but runners differ. */
  private final Map<String, ClaimPosition> claimPositions = new ConcurrentHashMap<>();
  private final PgConnectOptions connectOptions;
  private final Clock clock;
  private final int logCap;
  private final List<PgSubscriber> subscribers = new CopyOnWriteArrayList<>();
  /** Names this store's wake-up notifications, which its own listener skips. */
  private final String storeId = UUID.randomUUID().toString();

  private PgJobStore(Vertx vertx, Pool pool, PgConnectOptions connectOptions, Clock clock, int logCap) {
    this.vertx = vertx;
    this.pool = pool;
    this.connectOptions = connectOptions;
    this.clock = clock;
    this.logCap = logCap;
  }

  /**
   * Connects to {@code pgUri} ({@code postgresql://user:password@host:port/database?search_path=...};
   * query parameters other than the client's own are sent to the server as settings), applies the
   * migrations the database lacks, and answers the store. Fails with {@code unavailable} when the
   * URI is malformed or the database cannot be reached.
   */
  public static Future<PgJobStore> create(Vertx vertx, String pgUri, Clock clock, int logCap) {
    PgConnectOptions connectOptions;
    try {
      connectOptions = connectOptions(pgUri);
    } catch (StagecoachException malformed) {
      return Future.failedFuture(malformed);
    }
    return PgPools.openMigrated(vertx, connectOptions, DEFAULT_POOL_SIZE)
        .map(pool -> new PgJobStore(vertx, pool, connectOptions, clock, logCap));
  }

  /** Options from a URI, keeping the client's session defaults when the URI adds settings of its own. */
  static PgConnectOptions connectOptions(String uri) {
    // Statements are prepared once per connection, saving a round trip on each execution (it showed
    // in every job's latency), except LIST: prepared per execution, its optional filters are
    // planned with their values rather than by a generic plan.
    return PgPools.connectOptions(uri, APPLICATION_NAME)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlFilter(sql -> !sql.equals(JobQueries.LIST));
  }

  /** Closes the pool and every wake-up subscription. */
  @Override
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    subscribers.forEach(subscriber -> closing.add(subscriber.close()));
    subscribers.clear();
    closing.add(pool.close());
    return Future.join(closing).mapEmpty();
  }

  /**
   * Calls {@code onWake} whenever a process inserts jobs or queues one again (PostgreSQL
   * {@code NOTIFY}), and also each time the subscription is established or re-established, since
   * notifications sent while it was down are lost. {@code onWake} runs on the context that called
   * this method (call it from the runner verticle). A dropped connection is re-established with a
   * growing pause, until {@link #close}. Fails with {@code unavailable} if the first connection
   * cannot be made.
   */
  @Override
  public Future<Void> listenForWakeups(Runnable onWake) {
    Context context = vertx.getOrCreateContext();
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, connectOptions)
        .reconnectPolicy(PgJobStore::resubscribeDelayMillis);
    subscriber.channel(JobQueries.WAKE_CHANNEL)
        .subscribeHandler(v -> context.runOnContext(run -> onWake.run()))
        // Its own notifications: this process's runners were woken over the event bus already.
        .handler(payload -> {
          if (!storeId.equals(payload)) {
            context.runOnContext(run -> onWake.run());
          }
        });
    subscribers.add(subscriber);
    return subscriber.connect()
        .timeout(PgPools.DEFAULT_CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .recover(e -> {
          subscribers.remove(subscriber);
          // A first connection that failed leaves the subscriber open: close it, or it lingers.
          return subscriber.close().transform(closed -> PgFailures.translate(e));
        });
  }

  /** Tells the other processes' runners that jobs became runnable (sent at commit). */
  private Future<Void> notifyWake(SqlConnection conn) {
    return conn.preparedQuery(JobQueries.NOTIFY_WAKE).execute(Tuple.of(storeId)).mapEmpty();
  }

  /** 100 ms after the first failure, doubling up to {@link #MAX_RESUBSCRIBE_DELAY}; never gives up. */
  static long resubscribeDelayMillis(int attempt) {
    long delay = 100L << Math.min(attempt, 10);
    return Math.min(delay, MAX_RESUBSCRIBE_DELAY.toMillis());
  }

  // ---- insert ----------------------------------------------------------------------------------

  /**
   * One transaction, one {@code INSERT} for the whole batch: a job whose idempotency key is taken
   * (in the table or earlier in the batch) inserts nothing and is resolved against the job holding
   * the key (a replay, or a conflict that rolls the whole batch back). The unique index makes this
   * safe across processes.
   */
  @Override
  public Future<List<Inserted>> insertAll(List<Job> jobs, Announcer announcer) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Tuple columns;
    try {
      columns = JobRows.insertManyParams(jobs);
    } catch (IllegalArgumentException badId) {
      return Future.failedFuture(StagecoachException.invalidInput("id", "a job id must be a UUID"));
    }
    if (jobs.stream().allMatch(job -> job.idempotencyKey() == null)) {
      return insertUnkeyed(jobs, columns, announcer).recover(PgFailures::translate);
    }
    return PipelinedTransaction.run(pool, conn -> conn.preparedQuery(JobQueries.INSERT_MANY).execute(columns)
            .compose(rows -> resolveInserts(conn, jobs, rows, announcer)))
        .recover(PgFailures::translate);
  }

  /**
   * With no key in the batch every job is inserted as given, so its events are made from it before
   * the insert, and the jobs, their outbox rows and the wake-up go in one statement
   * ({@link JobQueries#INSERT_UNKEYED}).
   */
  private Future<List<Inserted>> insertUnkeyed(List<Job> jobs, Tuple columns, Announcer announcer) {
    List<List<Event>> announced = new ArrayList<>(jobs.size());
    List<Event> events = new ArrayList<>();
    for (Job job : jobs) {
      List<Event> its = announcer.announce(job);
      announced.add(its);
      events.addAll(its);
    }
    for (Object column : OutboxRows.columns(events)) {
      columns.addValue(column);
    }
    // A job inserted already claimed (see JobService#submit) has no other process to wake.
    boolean anyQueued = jobs.stream().anyMatch(job -> job.status() == JobStatus.QUEUED);
    columns.addValue(anyQueued ? storeId : null);
    return pool.preparedQuery(JobQueries.INSERT_UNKEYED).execute(columns).map(rows -> {
      Map<String, Job> stored = byId(rows);
      List<Inserted> answers = new ArrayList<>(jobs.size());
      for (int i = 0; i < jobs.size(); i++) {
        answers.add(Inserted.created(stored.get(jobs.get(i).id()), announced.get(i)));
      }
      return answers;
    });
  }

  private Future<List<Inserted>> resolveInserts(SqlConnection conn, List<Job> jobs, RowSet<Row> rows,
      Announcer announcer) {
    Map<String, Job> stored = byId(rows);
    List<Inserted> answers = new ArrayList<>(Collections.nCopies(jobs.size(), null));
    List<Event> events = new ArrayList<>();
    Future<Void> replays = Future.succeededFuture();
    for (int i = 0; i < jobs.size(); i++) {
      Job job = stored.get(jobs.get(i).id());
      if (job != null) {
        List<Event> announced = announcer.announce(job);
        events.addAll(announced);
        answers.set(i, Inserted.created(job, announced));
        continue;
      }
      Job replay = jobs.get(i);
      int index = i;
      replays = replays.compose(v -> replayOf(conn, replay)).map(existing -> {
        answers.set(index, Inserted.replayed(existing));
        return null;
      });
    }
    // Pipelined with the replays' look-ups: all in this transaction, none waiting for another.
    Future<Void> recorded = OutboxRows.record(conn, events);
    Future<Void> woken = stored.isEmpty() ? Future.succeededFuture() : notifyWake(conn);
    return Future.all(replays, recorded, woken).map(v -> answers);
  }

  /** The job that holds {@code job}'s idempotency key, if their submissions match. */
  private static Future<Job> replayOf(SqlConnection conn, Job job) {
    return conn.preparedQuery(JobQueries.SELECT_BY_IDEMPOTENCY_KEY)
        .execute(Tuple.of(job.tenant(), job.idempotencyKey()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new IllegalStateException("job " + job.id() + " was neither inserted nor replayed"));
          }
          Job existing = JobRows.toJob(rows.iterator().next());
          if (!Objects.equals(existing.fingerprint(), job.fingerprint())) {
            return Future.failedFuture(new StagecoachException(ErrorCode.IDEMPOTENCY_CONFLICT,
                "idempotency key '" + job.idempotencyKey() + "' was used with a different submission"));
          }
          return Future.succeededFuture(existing);
        });
  }

  // ---- read ------------------------------------------------------------------------------------

  @Override
  public Future<Job> get(String id) {
    UUID uuid = uuid(id);
    if (uuid == null) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery(JobQueries.SELECT_BY_ID).execute(Tuple.of(uuid))
        .map(rows -> rows.size() == 0 ? null : JobRows.toJob(rows.iterator().next()))
        .recover(PgFailures::translate);
  }

  @Override
  public Future<Page<Job>> list(JobQuery query) {
    if (query.limit() <= 0) {
      return Future.succeededFuture(new Page<>(List.of(), null));
    }
    UUID afterId = null;
    if (query.afterId() != null) {
      afterId = uuid(query.afterId());
      if (afterId == null) {
        return Future.failedFuture(StagecoachException.invalidInput("cursor", "is not a job id"));
      }
    }
    Tuple params = Tuple.tuple()
        .addValue(query.tenant())
        .addValue(query.status() == null ? null : query.status().wire())
        .addValue(query.type())
        .addValue(query.labels() == null || query.labels().isEmpty() ? null : JobRows.labels(query.labels()))
        .addValue(afterId)
        .addValue(query.limit() + 1);
    return pool.preparedQuery(JobQueries.LIST).execute(params)
        .map(rows -> {
          List<Job> items = new ArrayList<>(Math.min(rows.size(), query.limit()));
          for (Row row : rows) {
            if (items.size() == query.limit()) {
              return new Page<>(items, items.get(items.size() - 1).id());
            }
            items.add(JobRows.toJob(row));
          }
          return new Page<>(items, (String) null);
        })
        .recover(PgFailures::translate);
  }

  // ---- update ----------------------------------------------------------------------------------

  /** A write of one job without log lines or events (see {@link #writeAll}). */
  @Override
  public Future<Job> update(String id, JobMutation mutation) {
    return write(new JobWrite(id, mutation, List.of())).map(WriteResult::job);
  }

  // ---- claims and leases -----------------------------------------------------------------------

  /**
   * Writes that expect a record are tried without locks first ({@link #writeExpected}); the others
   * are one transaction ({@link #writeLocked}).
   */
  @Override
  public Future<List<WriteResult>> writeAll(List<JobWrite> writes) {
    if (writes.stream().allMatch(write -> write.expected() == null)) {
      return writeLocked(writes);
    }
    return writeExpected(writes);
  }

  /**
   * The writes that say which record they expect ({@link JobWrite#expected}: a runner's end) are
   * applied to it without reading or locking their rows, and written in one statement committed on
   * its own, each only if its row still has the expected version: one round trip instead of two.
   * Those whose record has moved on (a cancel was asked for, say), or whose mutation declines what
   * it expected, then go through {@link #writeLocked} with the rest, and are judged on the stored
   * record. A job is tried once per batch: a second write of it waits for the locked pass.
   */
  private Future<List<WriteResult>> writeExpected(List<JobWrite> writes) {
    WriteResult[] results = new WriteResult[writes.size()];
    WriteBatch batch = new WriteBatch(logCap, true);
    Set<String> tried = new HashSet<>();
    boolean runnableAgain = false;
    for (int i = 0; i < writes.size(); i++) {
      JobWrite write = writes.get(i);
      Job expected = write.expected();
      if (expected == null || uuid(write.id()) == null || !tried.add(write.id())) {
        continue;
      }
      Job job = expected.copy();
      try {
        if (!write.mutation().apply(job)) {
          continue; // nothing to write: the locked pass answers with the stored record
        }
      } catch (RuntimeException declined) {
        continue; // judged again on the stored record
      }
      job.touch(clock.instant());
      List<Event> events = write.announcer().announce(job);
      batch.update(job, expected.version());
      batch.record(events);
      batch.log(UUID.fromString(write.id()), write.logs());
      runnableAgain |= runnableAgain(expected.status(), expected.runAt(), job);
      results[i] = WriteResult.written(job, events);
    }
    if (runnableAgain) {
      batch.wake(storeId);
    }
    Future<Set<String>> written = batch.updates() == 0 ? Future.succeededFuture(Set.of())
        : pool.preparedQuery(JobQueries.WRITE_BATCH).execute(batch.params()).map(rows -> {
          Set<String> ids = new HashSet<>();
          rows.forEach(row -> ids.add(row.getUUID("id").toString()));
          return ids;
        });
    return written.recover(PgFailures::translate).compose(ids -> {
      List<Integer> rest = new ArrayList<>();
      for (int i = 0; i < writes.size(); i++) {
        if (results[i] == null || !ids.contains(writes.get(i).id())) {
          rest.add(i);
        }
      }
      if (rest.isEmpty()) {
        return Future.succeededFuture(Arrays.asList(results));
      }
      return writeLocked(rest.stream().map(writes::get).toList()).map(locked -> {
        for (int k = 0; k < rest.size(); k++) {
          results[rest.get(k)] = locked.get(k);
        }
        return Arrays.asList(results);
      });
    });
  }

  /**
   * One transaction, one commit: rows locked in id order (as every writer locks them, so two
   * batches cannot deadlock), each mutation applied on its own, changed rows written back together;
   * a mutation that throws refuses its own write only.
   */
  private Future<List<WriteResult>> writeLocked(List<JobWrite> writes) {
    List<UUID> ids = new ArrayList<>(writes.size());
    for (JobWrite write : writes) {
      UUID uuid = uuid(write.id());
      if (uuid != null) {
        ids.add(uuid);
      }
    }
    return PipelinedTransaction.run(pool, (conn, commit) -> conn.preparedQuery(JobQueries.SELECT_MANY_FOR_UPDATE)
            .execute(Tuple.of(ids.toArray(UUID[]::new)))
            .compose(rows -> {
              Map<String, Row> byId = new HashMap<>();
              rows.forEach(row -> byId.put(row.getUUID("id").toString(), row));
              List<WriteResult> results = new ArrayList<>(writes.size());
              WriteBatch batch = new WriteBatch(logCap);
              // Per job, the record as the batch's writes so far leave it: a job's second write
              // follows its first, and the job is written back once, as the last one leaves it.
              Map<String, Job> current = new LinkedHashMap<>();
              Set<String> changed = new HashSet<>();
              for (JobWrite write : writes) {
                Row row = byId.get(write.id());
                if (row == null) {
                  results.add(WriteResult.refused(StagecoachException.notFound("job " + write.id())));
                  continue;
                }
                Job before = current.computeIfAbsent(write.id(), id -> JobRows.toJob(row));
                WriteResult result = apply(before, write);
                results.add(result);
                if (result.refusal() == null && result.job().version() != before.version()) {
                  current.put(write.id(), result.job());
                  changed.add(write.id());
                }
                batch.record(result.events());
                batch.log(UUID.fromString(write.id()), write.logs());
              }
              boolean runnableAgain = false;
              for (String id : changed) {
                batch.update(current.get(id));
                Row before = byId.get(id);
                runnableAgain |= runnableAgain(JobStatus.fromWire(before.getString("status")),
                    JobRows.instant(before, "run_at"), current.get(id));
              }
              if (runnableAgain) {
                batch.wake(storeId);
              }
              // One statement with COMMIT right behind it: one round trip for all of it.
              Future<Void> written = batch.isEmpty() ? Future.succeededFuture()
                  : conn.preparedQuery(JobQueries.WRITE_BATCH).execute(batch.params()).mapEmpty();
              return Future.all(written, commit.get()).map(results);
            }))
        .recover(PgFailures::translate);
  }

  /** Whether a change made the job due again: queued now, and not queued before or queued for another time. */
  private static boolean runnableAgain(JobStatus statusBefore, Instant runAtBefore, Job after) {
    return after.status() == JobStatus.QUEUED
        && (statusBefore != JobStatus.QUEUED || !after.runAt().equals(runAtBefore));
  }

  /**
   * Applies one write of a batch to a copy of {@code before} (the job as its locked row and the
   * batch's earlier writes leave it): the changed job, with the events its announcer makes of it,
   * or a copy of {@code before} when nothing changed (a write that changes nothing announces nothing).
   */
  private WriteResult apply(Job before, JobWrite write) {
    Job job = before.copy();
    try {
      if (!write.mutation().apply(job)) {
        return WriteResult.written(before.copy(), List.of()); // as it was: the mutation may have touched its copy
      }
    } catch (RuntimeException refused) {
      return WriteResult.refused(refused);
    }
    job.touch(clock.instant());
    return WriteResult.written(job, write.announcer().announce(job));
  }

  @Override
  public Future<Void> announce(List<Event> events) {
    if (events.stream().noneMatch(Event::subscribed)) {
      return Future.succeededFuture();
    }
    return OutboxRows.record(pool, events).recover(PgFailures::translate);
  }

  /**
   * The answer is in claim order. A runner's claim starts after the last job its previous claim
   * took ({@link JobQueries#CLAIM_DUE_AFTER}), so that it does not read again past the dead index
   * entries the jobs claimed before it left (only VACUUM removes them; a claim from the head read
   * past all of them, and a drain slowed down as it went). One that comes back short goes on with a
   * full claim from the head ({@link JobQueries#CLAIM_DUE}), and a full claim runs at least every
   * {@link #FULL_CLAIM_EVERY}: a job that lands before a runner's position with the same priority (a
   * {@code runAt} in the past) waits at most that long while the queue stays full.
   */
  @Override
  public Future<List<Job>> claimDue(String runner, int limit, Duration leaseTtl) {
    if (limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    Instant now = millis(clock.instant());
    ClaimPosition after = claimPositions.get(runner);
    if (after == null || !now.isBefore(after.fullClaimDue())) {
      return claim(JobQueries.CLAIM_DUE, claimParams(now, limit, runner, leaseTtl))
          .onSuccess(claimed -> remember(runner, claimed, limit, now.plus(FULL_CLAIM_EVERY)))
          .recover(PgFailures::translate);
    }
    Tuple params = claimParams(now, limit, runner, leaseTtl)
        .addValue(after.priority()).addValue(timestamp(after.runAt())).addValue(UUID.fromString(after.id()));
    return claim(JobQueries.CLAIM_DUE_AFTER, params)
        .compose(claimed -> claimed.size() == limit ? Future.succeededFuture(claimed)
            : claim(JobQueries.CLAIM_DUE, claimParams(now, limit - claimed.size(), runner, leaseTtl)).map(more -> {
              List<Job> all = new ArrayList<>(claimed);
              all.addAll(more);
              all.sort(CLAIM_ORDER);
              return all;
            }))
        .onSuccess(claimed -> remember(runner, claimed, limit, after.fullClaimDue()))
        .recover(PgFailures::translate);
  }

  private static Tuple claimParams(Instant now, int limit, String runner, Duration leaseTtl) {
    return Tuple.of(timestamp(now), limit, runner, timestamp(now.plus(leaseTtl)));
  }

  private Future<List<Job>> claim(String statement, Tuple params) {
    return pool.preparedQuery(statement).execute(params).map(rows -> {
      List<Job> claimed = jobs(rows);
      claimed.sort(CLAIM_ORDER);
      return claimed;
    });
  }

  /** A full batch leaves the runner's position at its last job; a short one (the queue drained) forgets it. */
  private void remember(String runner, List<Job> claimed, int limit, Instant fullClaimDue) {
    if (claimed.size() < limit) {
      claimPositions.remove(runner);
    } else {
      Job last = claimed.get(claimed.size() - 1);
      claimPositions.put(runner, new ClaimPosition(last.priority(), last.runAt(), last.id(), fullClaimDue));
    }
  }

  @Override
  public Future<Instant> nextRunAt() {
    return pool.preparedQuery(JobQueries.NEXT_RUN_AT).execute()
        .map(rows -> JobRows.instant(rows.iterator().next(), "next_run_at"))
        .recover(PgFailures::translate);
  }

  @Override
  public Future<List<Boolean>> startAttempts(String runner, List<AttemptStart> starts) {
    List<UUID> ids = new ArrayList<>(starts.size());
    List<OffsetDateTime> ats = new ArrayList<>(starts.size());
    List<Event> events = new ArrayList<>();
    for (AttemptStart start : starts) {
      UUID id = uuid(start.jobId());
      if (id != null) {
        ids.add(id);
        ats.add(timestamp(start.at()));
        events.addAll(start.events());
      }
    }
    Tuple params = Tuple.of(ids.toArray(UUID[]::new), ats.toArray(OffsetDateTime[]::new), runner);
    for (Object column : OutboxRows.columns(events)) {
      params.addValue(column);
    }
    return pool.preparedQuery(JobQueries.START_ATTEMPTS).execute(params)
        .map(rows -> {
          Set<String> started = new HashSet<>();
          rows.forEach(row -> started.add(row.getUUID(0).toString()));
          return starts.stream().map(start -> started.contains(start.jobId())).toList();
        })
        .recover(PgFailures::translate);
  }

  @Override
  public Future<List<Job>> renewLeases(String runner, Collection<String> ids, Duration leaseTtl) {
    UUID[] uuids = ids.stream().map(PgJobStore::uuid).filter(Objects::nonNull).toArray(UUID[]::new);
    if (uuids.length == 0) {
      return Future.succeededFuture(List.of());
    }
    OffsetDateTime until = timestamp(clock.instant().plus(leaseTtl));
    return pool.preparedQuery(JobQueries.RENEW_LEASES).execute(Tuple.of(uuids, runner, until))
        .map(PgJobStore::jobs)
        .recover(PgFailures::translate);
  }

  @Override
  public Future<List<Job>> expiredLeases(Instant now, int limit) {
    if (limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(JobQueries.EXPIRED_LEASES).execute(Tuple.of(timestamp(now), limit))
        .map(PgJobStore::jobs)
        .recover(PgFailures::translate);
  }

  // ---- logs ------------------------------------------------------------------------------------

  /**
   * {@link JobQueries#WRITE_BATCH} with log lines only, one statement: it moves the job's log seq on
   * (the row update finds a job that does not exist, {@code not_found}, and keeps the row from being
   * pruned under the new lines), stores the lines within the cap and deletes those it pushes out.
   */
  @Override
  public Future<Void> appendLogs(String jobId, List<LogLine> lines) {
    UUID uuid = uuid(jobId);
    if (uuid == null) {
      return Future.failedFuture(StagecoachException.notFound("job " + jobId));
    }
    if (lines.isEmpty()) {
      return Future.succeededFuture();
    }
    WriteBatch batch = new WriteBatch(logCap);
    batch.log(uuid, lines);
    return pool.preparedQuery(JobQueries.WRITE_BATCH).execute(batch.params())
        .recover(PgFailures::translate)
        .compose(numbered -> numbered.size() == 0
            ? Future.failedFuture(StagecoachException.notFound("job " + jobId))
            : Future.succeededFuture());
  }

  @Override
  public Future<LogPage> logs(String jobId, long afterSeq, int limit) {
    UUID uuid = uuid(jobId);
    if (uuid == null || limit <= 0) {
      return Future.succeededFuture(new LogPage(List.of(), 0));
    }
    return pool.preparedQuery(JobQueries.LOG_PAGE).execute(Tuple.of(uuid, afterSeq, limit))
        .map(rows -> {
          long dropped = 0;
          List<LogLine> items = new ArrayList<>(rows.size());
          for (Row row : rows) {
            dropped = row.getLong("dropped");
            if (row.getValue("seq") != null) {
              items.add(JobRows.toLogLine(row));
            }
          }
          return new LogPage(items, dropped);
        })
        .recover(PgFailures::translate);
  }

  @Override
  public Future<Integer> pruneFinished(Instant finishedBefore, int limit) {
    return pool.preparedQuery(JobQueries.PRUNE_FINISHED)
        .execute(Tuple.of(JobRows.timestamp(finishedBefore), limit))
        .map(RowSet::size)
        .recover(PgFailures::translate);
  }

  @Override
  public Future<Map<JobStatus, Long>> countActive() {
    return pool.preparedQuery(JobQueries.COUNT_ACTIVE).execute().map(rows -> {
      Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
      JobStatus.UNFINISHED.forEach(status -> counts.put(status, 0L));
      rows.forEach(row -> counts.put(JobStatus.fromWire(row.getString("status")), row.getLong("n")));
      return counts;
    }).recover(PgFailures::translate);
  }

  @Override
  public Future<Void> ping() {
    return pool.query(JobQueries.PING).execute().<Void>mapEmpty().recover(PgFailures::translate);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** The jobs of {@code rows}, by id. */
  private static Map<String, Job> byId(RowSet<Row> rows) {
    Map<String, Job> jobs = new HashMap<>();
    for (Row row : rows) {
      Job job = JobRows.toJob(row);
      jobs.put(job.id(), job);
    }
    return jobs;
  }

  private static List<Job> jobs(RowSet<Row> rows) {
    List<Job> jobs = new ArrayList<>(rows.size());
    for (Row row : rows) {
      jobs.add(JobRows.toJob(row));
    }
    return jobs;
  }

  /** The id as a UUID, or null when it cannot be a job id (and so names no job). */
  private static UUID uuid(String id) {
    return JobIds.isValid(id) ? UUID.fromString(id) : null;
  }
}
