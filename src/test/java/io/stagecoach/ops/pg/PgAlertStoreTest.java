package io.stagecoach.ops.pg;

import io.stagecoach.ops.AlertStore;
import io.stagecoach.ops.AlertStoreContract;
import io.stagecoach.testing.PgTestSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The alert store contract against a real PostgreSQL, in a schema of this class's own, emptied before each test. */
class PgAlertStoreTest extends AlertStoreContract {
  @RegisterExtension
  static final PgTestSchema.PerClass SCHEMA = new PgTestSchema.PerClass();

  @Override
  protected Future<AlertStore> newStore(Vertx vertx) {
    return SCHEMA.get(vertx).compose(schema -> PgOpsStore.create(vertx, schema.uri())
        .compose(store -> schema.sql("TRUNCATE stagecoach_alerts", vertx).map((AlertStore) store)));
  }
}
