package io.stagecoach.webhook;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

class MemoryWebhookStoreTest extends WebhookStoreContract {
  @Override
  protected Future<WebhookStore> newStore(Vertx vertx, Clock clock) {
    return Future.succeededFuture(new MemoryWebhookStore(clock));
  }
}
