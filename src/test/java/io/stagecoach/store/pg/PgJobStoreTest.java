package io.stagecoach.store.pg;

import io.stagecoach.testing.PgTestSchema;
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

import static org.junit.jupiter.api.Assertions.assertEquals;

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

  private static Future<String> synchronousCommit(SqlConnection conn) {
    return conn.query("SHOW synchronous_commit").execute().map(rows -> rows.iterator().next().getString(0));
  }
}
