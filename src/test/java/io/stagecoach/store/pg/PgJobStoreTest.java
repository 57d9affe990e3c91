package io.stagecoach.store.pg;

import io.stagecoach.job.Job;
import io.stagecoach.store.JobWrite;
import io.stagecoach.store.LogPage;
import io.stagecoach.testing.PgTestSchema;
import io.vertx.core.json.JsonObject;
import java.util.List;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.JobStoreContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static io.stagecoach.testing.Jobs.aLogLine;
import static io.stagecoach.testing.Jobs.aQueuedJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store contract against a real PostgreSQL, in a schema of this class's own, emptied before each test. */
class PgJobStoreTest extends JobStoreContract {
  private static final PgTestSchema.PerClass SCHEMA = new PgTestSchema.PerClass();

  @AfterAll
  static void dropSchema(Vertx vertx, VertxTestContext test) {
    SCHEMA.drop(vertx).onComplete(test.succeedingThenComplete());
  }

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
   * PostgreSQL refuses the statement (jsonb takes no NUL character), that COMMIT must roll back, so
   * the other job's change and every log line of the batch are gone too.
   */
  @Test
  void aBatchPostgresqlRefusesWritesNothing(Vertx vertx, VertxTestContext test) {
    Job fine = aQueuedJob(clock);
    Job refusedByPostgres = aQueuedJob(clock);
    store.insertAll(List.of(fine, refusedByPostgres))
        .compose(v -> store.writeAll(List.of(
            new JobWrite(fine.id(), j -> {
              j.priority(7);
              return true;
            }, List.of(aLogLine(clock, "fine"))),
            new JobWrite(refusedByPostgres.id(), j -> {
              j.result(new JsonObject().put("text", "nul \u0000 inside"));
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
                assertEquals(null, all.<Job>resultAt(2).result());
              });
              return null;
            }))
        .onComplete(test.succeedingThenComplete());
  }

  private static Future<String> synchronousCommit(SqlConnection conn) {
    return conn.query("SHOW synchronous_commit").execute().map(rows -> rows.iterator().next().getString(0));
  }
}
