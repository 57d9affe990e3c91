package io.stagecoach.ops.pg;

import io.stagecoach.ops.AuditStore;
import io.stagecoach.ops.AuditStoreContract;
import io.stagecoach.testing.PgTestSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit store contract against a real PostgreSQL, in a schema of this class's own, emptied before each test. */
class PgAuditStoreTest extends AuditStoreContract {
  @RegisterExtension
  static final PgTestSchema.PerClass SCHEMA = new PgTestSchema.PerClass();

  @Override
  protected Future<AuditStore> newStore(Vertx vertx) {
    return SCHEMA.get(vertx).compose(schema -> PgOpsStore.create(vertx, schema.uri())
        .compose(store -> schema.sql("TRUNCATE stagecoach_audit", vertx).map((AuditStore) store)));
  }
}
