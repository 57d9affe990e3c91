package io.stagecoach.store.pg;

import io.stagecoach.job.Job;
import io.stagecoach.store.JobWrite;
import io.stagecoach.store.LogPage;
import io.stagecoach.testing.PgTestSchema;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.JobStoreContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.stagecoach.testing.Jobs.aLogLine;
import static io.stagecoach.testing.Jobs.aQueuedJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store contract against a real PostgreSQL, in a schema of this class's own, emptied before each test. */
class PgJobStoreTest extends JobStoreContract {
  @RegisterExtension
  static final PgTestSchema.PerClass SCHEMA = new PgTestSchema.PerClass();

  @Override
  protected Future<JobStore> newStore(Vertx vertx, Clock clock, int logCap) {
    return SCHEMA.get(vertx).compose(schema -> PgJobStore.create(vertx, schema.uri(), clock, logCap)
        .compose(store -> schema.truncate(vertx).map((JobStore) store)));
  }

  @Override
  protected Future<Void> closeStore(JobStore store) {
    return ((PgJobStore) store).close();
  }

  /** V008: a claim skips the wait for its WAL flush, and only the claim's own transaction does. */
  @Test
  void aClaimRelaxesDurabilityForItsOwnTransactionOnly(Vertx vertx, VertxTestContext test) {
    String claim = "SELECT * FROM stagecoach_claim_due(now(), 1, 'runner-x', now())";
    SCHEMA.get(vertx)
        .compose(schema -> PgConnection.connect(vertx, PgJobStore.connectOptions(schema.uri())))
        .compose(conn -> conn.query(claim).execute()
            .compose(v -> synchronousCommit(conn))
            .compose(afterAutocommitClaim -> conn.query("BEGIN").execute()
                .compose(v -> conn.query(claim).execute())
                .compose(v -> synchronousCommit(conn))
                .compose(insideClaimTransaction -> conn.query("COMMIT").execute()
                    .compose(v -> synchronousCommit(conn))
                    .map(afterCommit -> {
                      test.verify(() -> {
                        assertEquals("on", afterAutocommitClaim);
                        assertEquals("off", insideClaimTransaction);
                        assertEquals("on", afterCommit);
                      });
                      return null;
                    })))
            .eventually(conn::close))
        .onComplete(test.succeedingThenComplete());
  }

  /**
   * A batch's statement goes out with COMMIT right behind it (PipelinedTransaction): when
   * PostgreSQL refuses the statement (here a CHECK constraint the test adds refuses priority 13),
   * that COMMIT must roll back, so the other job's change and every log line of the batch are gone too.
   */
  @Test
  void aBatchPostgresqlRefusesWritesNothing(Vertx vertx, VertxTestContext test) {
    Job fine = aQueuedJob(clock);
    Job refusedByPostgres = aQueuedJob(clock);
    SCHEMA.get(vertx)
        .compose(schema -> schema.sql("ALTER TABLE stagecoach_jobs ADD CONSTRAINT test_refuses_13 CHECK (priority <> 13)",
            vertx))
        .compose(v -> store.insertAll(List.of(fine, refusedByPostgres)))
        .compose(v -> store.writeAll(List.of(
            new JobWrite(fine.id(), j -> {
              j.priority(7);
              return true;
            }, List.of(aLogLine(clock, "fine"))),
            new JobWrite(refusedByPostgres.id(), j -> {
              j.priority(13);
              return true;
            }, List.of(aLogLine(clock, "refused"))))))
        .transform(written -> Future.all(store.get(fine.id()), store.logs(fine.id(), 0, 10),
                store.get(refusedByPostgres.id()))
            .map(all -> {
              test.verify(() -> {
                assertTrue(written.failed(), "the batch fails");
                assertEquals(0, all.<Job>resultAt(0).priority(), "the other job's change was rolled back");
                assertEquals(1L, all.<Job>resultAt(0).version());
                assertTrue(all.<LogPage>resultAt(1).items().isEmpty(), "no log line was kept");
                assertEquals(0, all.<Job>resultAt(2).priority());
              });
              return null;
            }))
        .eventually(() -> SCHEMA.get(vertx).compose(schema ->
            schema.sql("ALTER TABLE stagecoach_jobs DROP CONSTRAINT test_refuses_13", vertx)))
        .onComplete(test.succeedingThenComplete());
  }

  /**
   * PostgreSQL stores no NUL; input cannot hold one, but a handler's result or log line can. It is
   * stored as U+FFFD, and the batch it travels in goes through. The text backslash-u-0-0-0-0 is
   * not a NUL, and stays as it is.
   */
  @Test
  void aNulAHandlerReportsIsStoredAsTheReplacementCharacter(VertxTestContext test) {
    Job withNul = aQueuedJob(clock);
    Job other = aQueuedJob(clock);
    String escapeText = "\\u0000 is how JSON writes it";
    store.insertAll(List.of(withNul, other))
        .compose(v -> store.writeAll(List.of(
            new JobWrite(withNul.id(), j -> {
              j.result(new JsonObject().put("text", "nul \u0000 inside").put("escape", escapeText).put("k\u0000", 1)
                  .put("backslash", "\\\u0000"));
              return true;
            }, List.of(aLogLine(clock, "bytes \u0000\u0000"))),
            new JobWrite(other.id(), j -> {
              j.priority(7);
              return true;
            }, List.of()))))
        .compose(v -> Future.all(store.get(withNul.id()), store.logs(withNul.id(), 0, 10), store.get(other.id())))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          JsonObject result = all.<Job>resultAt(0).result();
          assertEquals("nul \uFFFD inside", result.getString("text"));
          assertEquals(escapeText, result.getString("escape"));
          assertEquals(1, result.getInteger("k\uFFFD"));
          assertEquals("\\\uFFFD", result.getString("backslash"), "a backslash, then the NUL");
          assertEquals("bytes \uFFFD\uFFFD", all.<LogPage>resultAt(1).items().get(0).message());
          assertEquals(7, all.<Job>resultAt(2).priority(), "the other write of the batch went through");
          test.completeNow();
        })));
  }

  /**
   * While a runner's claims come back full they go on after its last claimed job: one due before it
   * (a runAt in the past) waits for the next full claim, at most FULL_CLAIM_EVERY later.
   */
  @Test
  void aJobDueBeforeTheRunnersPositionWaitsAtMostForTheNextFullClaim(VertxTestContext test) {
    List<Job> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      jobs.add(aQueuedJob(clock));
      clock.advance(Duration.ofMillis(1));
    }
    Job late = aQueuedJob(clock).runAt(jobs.get(0).runAt().minusSeconds(1));
    Duration lease = Duration.ofSeconds(30);
    store.insertAll(jobs)
        .compose(v -> store.claimDue("runner-1", 2, lease))
        .compose(first -> store.insertAll(List.of(late)))
        .compose(v -> store.claimDue("runner-1", 2, lease))
        .compose(second -> {
          test.verify(() -> assertEquals(List.of(jobs.get(2).id(), jobs.get(3).id()),
              second.stream().map(Job::id).toList(), "full: it went on after its position"));
          clock.advance(PgJobStore.FULL_CLAIM_EVERY);
          return store.claimDue("runner-1", 2, lease);
        })
        .onComplete(test.succeeding(third -> test.verify(() -> {
          assertEquals(List.of(late.id(), jobs.get(4).id()), third.stream().map(Job::id).toList());
          test.completeNow();
        })));
  }

  /** V013: without foreign keys, pruning a job deletes its log counter and lines itself; none is left behind. */
  @Test
  void pruningLeavesNoLogRowsBehind(Vertx vertx, VertxTestContext test) {
    Job job = aQueuedJob(clock);
    store.insertAll(List.of(job))
        .compose(v -> store.appendLogs(job.id(), List.of(aLogLine(clock, "one"), aLogLine(clock, "two"))))
        .compose(v -> store.update(job.id(), j -> {
          j.moveTo(io.stagecoach.job.JobStatus.CANCELLED, clock.instant());
          return true;
        }))
        .compose(v -> {
          clock.advance(Duration.ofSeconds(1));
          return store.pruneFinished(clock.instant(), 10);
        })
        .compose(pruned -> SCHEMA.get(vertx).compose(schema -> schema.sql(
                "SELECT count(*) AS lines FROM stagecoach_job_logs", vertx))
            .map(rows -> List.of((long) pruned, rows.iterator().next().getLong("lines"))))
        .onComplete(test.succeeding(counts -> test.verify(() -> {
          assertEquals(List.of(1L, 0L), counts, "pruned, lines");
          test.completeNow();
        })));
  }

  /**
   * V016: the claim after a position keeps the plans its connection made on the first call. Made on
   * an empty table, they must still read the job table by index once it is full: a generic plan made
   * then updated the claimed jobs by reading the whole table, until the table was next analyzed.
   */
  @Test
  void aClaimPlannedOnAnEmptyTableReadsByIndexOnceItFills(Vertx vertx, VertxTestContext test) {
    String claim = "SELECT * FROM stagecoach_claim_due_after(now(), 32, 'runner-x', now() + interval '1 minute', 0,"
        + " '-infinity', '00000000-0000-0000-0000-000000000000')";
    String fill = "INSERT INTO stagecoach_jobs (id, type, tenant, status, priority, attempt, max_attempts, timeout_ms,"
        + " created_at, run_at, updated_at, version) SELECT gen_random_uuid(), 'demo.noop', 'default', 'queued', 0, 0,"
        + " 3, 60000, now(), now() - interval '1 hour', now(), 1 FROM generate_series(1, 5000)";
    SCHEMA.get(vertx)
        .compose(schema -> PgConnection.connect(vertx, PgJobStore.connectOptions(schema.uri())))
        .compose(conn -> conn.query("BEGIN").execute()
            .compose(v -> conn.query(claim).execute()) // plans made while the table is empty
            .compose(v -> conn.query(fill).execute())
            .compose(v -> sequentialScansOfJobs(conn))
            .compose(before -> conn.query(claim).execute()
                .compose(claimed -> sequentialScansOfJobs(conn).map(after -> List.of((long) claimed.size(), after - before))))
            .eventually(() -> conn.query("ROLLBACK").execute().eventually(conn::close)))
        .onComplete(test.succeeding(claimedAndScans -> test.verify(() -> {
          assertEquals(List.of(32L, 0L), claimedAndScans, "jobs claimed, sequential scans of the job table");
          test.completeNow();
        })));
  }

  /** Sequential scans of the job table so far in the connection's transaction. */
  private static Future<Long> sequentialScansOfJobs(SqlConnection conn) {
    return conn.query("SELECT coalesce(sum(seq_scan), 0)::bigint FROM pg_stat_xact_user_tables"
            + " WHERE relname = 'stagecoach_jobs' AND schemaname = current_schema()").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  private static Future<String> synchronousCommit(SqlConnection conn) {
    return conn.query("SHOW synchronous_commit").execute().map(rows -> rows.iterator().next().getString(0));
  }
}
