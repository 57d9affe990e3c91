package io.stagecoach.webhook;

import io.stagecoach.bus.Event;
import io.stagecoach.store.memory.MemoryOutbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;

class MemoryWebhookStoreTest extends WebhookStoreContract {
  private MemoryOutbox outbox;

  @Override
  protected Future<WebhookStore> newStore(Vertx vertx, Clock clock) {
    outbox = new MemoryOutbox();
    return Future.succeededFuture(new MemoryWebhookStore(clock, outbox));
  }

  @Override
  protected Future<Void> announce(Vertx vertx, List<Event> events) {
    outbox.add(events);
    return Future.succeededFuture();
  }
}
