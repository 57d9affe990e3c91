package io.stagecoach.lock;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

class LocalLockBackendTest extends LockBackendContract {
  @Override
  protected Future<LockBackend> newBackend(Vertx vertx, Clock clock) {
    return Future.succeededFuture(new LocalLockBackend(clock));
  }
}
