package io.stagecoach.webhook;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: deletes finished deliveries (and their attempts) older than
 * {@code webhooks.deliveryRetentionMs}, in small batches so that it never holds the store for long.
 * Every dispatcher runs one; on PostgreSQL they skip each other's rows.
 */
final class DeliveryCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryCleaner.class);
  static final int BATCH = 500;

  private final WebhookStore store;
  private final Duration retention;
  private final Clock clock;
  private boolean cleaning;

  DeliveryCleaner(WebhookStore store, Duration retention, Clock clock) {
    this.store = store;
    this.retention = retention;
    this.clock = clock;
  }

  /** Prunes batch after batch until one comes back short; a call while cleaning does nothing. */
  void clean() {
    if (cleaning) {
      return;
    }
    cleaning = true;
    pruneFrom(0).onComplete(ar -> {
      cleaning = false;
      if (ar.failed()) {
        LOG.warn("pruning finished webhook deliveries failed; trying again later: {}", ar.cause().getMessage());
      } else if (ar.result() > 0) {
        LOG.info("pruned {} webhook deliveries finished more than {} ago", ar.result(), retention);
      }
    });
  }

  private Future<Integer> pruneFrom(int prunedSoFar) {
    return store.pruneDeliveries(clock.instant().minus(retention), BATCH)
        .compose(n -> n < BATCH ? Future.succeededFuture(prunedSoFar + n) : pruneFrom(prunedSoFar + n));
  }
}
