package io.stagecoach.store.memory;

import io.stagecoach.store.JobStore;
import io.stagecoach.store.JobStoreContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

class MemoryJobStoreTest extends JobStoreContract {
  @Override
  protected Future<JobStore> newStore(Vertx vertx, Clock clock, int logCap) {
    return Future.succeededFuture(new MemoryJobStore(clock, logCap));
  }
}
