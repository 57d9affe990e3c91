package io.stagecoach.ops;

import io.stagecoach.store.Page;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The audit log in this process's heap, gone when it stops. Every REST submission writes an entry,
 * so besides retention by age it keeps at most {@code maxEntries}, dropping the oldest.
 */
public final class MemoryAuditStore implements AuditStore {
  /** Under 1 KB an entry (estimated, not measured), so under 100 MB. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  private final int maxEntries;
  private final NavigableMap<String, AuditEntry> entries = new TreeMap<>();

  public MemoryAuditStore() {
    this(DEFAULT_MAX_ENTRIES);
  }

  public MemoryAuditStore(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  @Override
  public synchronized Future<Void> append(AuditEntry entry) {
    entries.put(entry.id(), entry);
    MemoryPages.keepNewest(entries, maxEntries);
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
