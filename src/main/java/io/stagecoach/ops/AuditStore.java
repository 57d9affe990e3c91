package io.stagecoach.ops;

import io.stagecoach.store.Page;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * The audit log: append-only. Implementations: {@link MemoryAuditStore} and {@code pg.PgOpsStore};
 * {@code AuditStoreContract} holds what both promise.
 */
public interface AuditStore {

  /** Appends one entry (its id is new). */
  Future<Void> append(AuditEntry entry);

  /**
   * Entries newest first (id order, ids being UUIDv7), of {@code tenant} or of every tenant when
   * null, older than {@code beforeId} (null: from the newest), at most {@code limit}.
   */
  Future<Page<AuditEntry>> entries(String tenant, String beforeId, int limit);

  /** Deletes up to {@code limit} entries written before {@code before}, oldest first; answers how many. */
  Future<Integer> pruneAudit(Instant before, int limit);

  /** Frees connections; nothing for a store in memory. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
