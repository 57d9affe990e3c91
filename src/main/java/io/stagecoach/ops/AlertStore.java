package io.stagecoach.ops;

import io.stagecoach.store.Page;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;

/**
 * Raised alerts. Implementations: {@link MemoryAlertStore} and {@code pg.PgOpsStore};
 * {@code AlertStoreContract} holds what both promise.
 */
public interface AlertStore {

  /**
   * Stores {@code alert} unless an alert of the same tenant, type and subject was raised less than
   * {@code window} before {@code alert.raisedAt()}; answers the stored alert, or null when it was a
   * duplicate. Two calls racing for the same tenant, type and subject store at most one.
   */
  Future<Alert> raiseUnlessRecent(Alert alert, Duration window);

  /** The alert with {@code id}, or null (also for an id that is not a UUID). */
  Future<Alert> get(String id);

  /**
   * Alerts newest first, of {@code tenant} or of every tenant when null, older than
   * {@code beforeId} (null: from the newest), at most {@code limit}.
   */
  Future<Page<Alert>> list(String tenant, String beforeId, int limit);

  /**
   * Marks the alert acknowledged by {@code by}; an alert already acknowledged keeps its first
   * acknowledgement. Answers the alert as it now is, or null if there is none.
   */
  Future<Alert> acknowledge(String id, String by, Instant at);

  /** Deletes up to {@code limit} alerts raised before {@code before}, oldest first; answers how many. */
  Future<Integer> pruneAlerts(Instant before, int limit);

  /** Frees connections; nothing for a store in memory. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
