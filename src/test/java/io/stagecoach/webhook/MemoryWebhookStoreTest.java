package io.stagecoach.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecoach.bus.Event;
import io.stagecoach.job.JobIds;
import io.stagecoach.store.memory.MemoryOutbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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

  @Test
  @DisplayName("beyond maxFinished, each delivery that finishes drops the one that finished first; a pending one stays")
  void finishedDeliveriesAreCapped(VertxTestContext test) {
    MemoryWebhookStore capped = new MemoryWebhookStore(clock, new MemoryOutbox(), 5);
    Subscription s = new Subscription(JobIds.next(), "acme", "https://hooks.example.com/acme", List.of("job.*"), null,
        clock.instant(), null, null, null, Signer.newSecret(), null, null);
    List<Delivery> made = IntStream.range(0, 13).mapToObj(i -> Delivery.pending(JobIds.next(), s, JobIds.random(),
        "job.failed", "{}", clock.instant(), clock.instant())).toList();
    Future<Void> chain = capped.create(s, 1).compose(v -> capped.enqueue(made));
    for (Delivery d : made.subList(0, 12)) {
      chain = chain.compose(v -> capped.recordAttempt(d.id(),
          new Attempt(1, clock.advance(Duration.ofMillis(1)), 200, 3, null, "93.184.216.34:443", "ok"),
          DeliveryStatus.SUCCEEDED, null));
    }
    chain.compose(v -> capped.deliveries(s.id(), null, 100))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          assertEquals(IntStream.of(12, 11, 10, 9, 8, 7).mapToObj(i -> made.get(i).id()).toList(),
              page.items().stream().map(Delivery::id).toList(), "the pending one and the five that finished last");
          test.completeNow();
        })));
  }
}
