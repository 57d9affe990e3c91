package io.stagecoach.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

class MemoryAlertStoreTest extends AlertStoreContract {
  @Override
  protected Future<AlertStore> newStore(Vertx vertx) {
    return Future.succeededFuture(new MemoryAlertStore());
  }
}
