package io.stagecoach.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: deletes what finished more than {@code retention} ago, in small batches so that it
 * never holds the store for long, batch after batch until one comes back short. Each engine runs
 * one per kind of record (jobs, webhook deliveries); on PostgreSQL they skip each other's rows.
 */
public final class RetentionPruner {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionPruner.class);
  public static final int BATCH = 500;
  /** How often each pruner looks for what is due. */
  public static final long EVERY_MS = 60_000;

  /** Deletes up to {@code limit} records finished before {@code finishedBefore}; answers how many. */
  @FunctionalInterface
  public interface Prune {
    Future<Integer> prune(Instant finishedBefore, int limit);
  }

  private final String what;
  private final Prune prune;
  private final Duration retention;
  private final Clock clock;
  private boolean pruning;

  /** {@code what} names the records in the log, e.g. "jobs". */
  public RetentionPruner(String what, Prune prune, Duration retention, Clock clock) {
    this.what = what;
    this.prune = prune;
    this.retention = retention;
    this.clock = clock;
  }

  /** Runs {@link #run} every {@link #EVERY_MS} on {@code vertx}; answers the timer's id. */
  public long schedule(Vertx vertx) {
    return vertx.setPeriodic(EVERY_MS, t -> run());
  }

  /** Prunes what is due; a call while a pass is still running does nothing. */
  public void run() {
    if (pruning) {
      return;
    }
    pruning = true;
    pruneFrom(0).onComplete(ar -> {
      pruning = false;
      if (ar.failed()) {
        LOG.warn("pruning finished {} failed; trying again later: {}", what, ar.cause().getMessage());
      } else if (ar.result() > 0) {
        LOG.info("pruned {} {} finished more than {} ago", ar.result(), what, retention);
      }
    });
  }

  private Future<Integer> pruneFrom(int prunedSoFar) {
    return prune.prune(clock.instant().minus(retention), BATCH)
        .compose(n -> n < BATCH ? Future.succeededFuture(prunedSoFar + n) : pruneFrom(prunedSoFar + n));
  }
}
