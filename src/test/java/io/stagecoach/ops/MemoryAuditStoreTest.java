package io.stagecoach.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

class MemoryAuditStoreTest extends AuditStoreContract {
  @Override
  protected Future<AuditStore> newStore(Vertx vertx) {
    return Future.succeededFuture(new MemoryAuditStore());
  }
}
