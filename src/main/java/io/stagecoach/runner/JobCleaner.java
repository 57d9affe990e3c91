package io.stagecoach.runner;

import io.stagecoach.store.JobStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: deletes finished jobs older than {@code store.retentionMs}, in small batches so that
 * it never holds the store for long. Every runner runs one; on PostgreSQL they skip each other's rows.
 */
final class JobCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(JobCleaner.class);
  static final int BATCH = 500;

  private final JobStore store;
  private final Duration retention;
  private final Clock clock;
  private boolean cleaning;

  JobCleaner(JobStore store, Duration retention, Clock clock) {
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
        LOG.warn("pruning finished jobs failed; trying again later: {}", ar.cause().getMessage());
      } else if (ar.result() > 0) {
        LOG.info("pruned {} jobs finished more than {} ago", ar.result(), retention);
      }
    });
  }

  private Future<Integer> pruneFrom(int prunedSoFar) {
    return store.pruneFinished(clock.instant().minus(retention), BATCH)
        .compose(n -> n < BATCH ? Future.succeededFuture(prunedSoFar + n) : pruneFrom(prunedSoFar + n));
  }
}
