package io.stagecoach.store.pg;

import io.stagecoach.testing.PgTestSchema;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.JobStoreContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;

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
}
