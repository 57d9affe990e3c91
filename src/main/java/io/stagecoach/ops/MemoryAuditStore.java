package io.stagecoach.ops;

import io.stagecoach.store.Page;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The audit log in this process's heap, gone when it stops. */
public final class MemoryAuditStore implements AuditStore {
  private final NavigableMap<String, AuditEntry> entries = new TreeMap<>();

  @Override
  public synchronized Future<Void> append(AuditEntry entry) {
    entries.put(entry.id(), entry);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Integer> pruneAudit(Instant before, int limit) {
    return Future.succeededFuture(MemoryPages.pruneOldest(entries, AuditEntry::at, before, limit));
  }

  @Override
  public synchronized Future<Page<AuditEntry>> entries(String tenant, String beforeId, int limit) {
    NavigableMap<String, AuditEntry> older = beforeId == null ? entries : entries.headMap(beforeId, false);
    return Future.succeededFuture(MemoryPages.newestFirst(older, e -> tenant == null || tenant.equals(e.tenant()), limit,
        AuditEntry::id));
  }
}
