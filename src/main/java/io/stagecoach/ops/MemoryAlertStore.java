package io.stagecoach.ops;

import io.stagecoach.store.Page;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Alerts in this process's heap, gone when it stops. One monitor guards everything. Besides
 * retention by age it keeps at most {@code maxAlerts}, dropping the oldest: a job timing out
 * raises one per job.
 */
public final class MemoryAlertStore implements AlertStore {
  /** A few hundred bytes an alert; also what each raise scans for duplicates. */
  public static final int DEFAULT_MAX_ALERTS = 10_000;

  private final int maxAlerts;
  private final NavigableMap<String, Alert> alerts = new TreeMap<>();

  public MemoryAlertStore() {
    this(DEFAULT_MAX_ALERTS);
  }

  public MemoryAlertStore(int maxAlerts) {
    this.maxAlerts = maxAlerts;
  }

  @Override
  public synchronized Future<Alert> raiseUnlessRecent(Alert alert, Duration window) {
    Instant since = alert.raisedAt().minus(window);
    boolean recent = alerts.values().stream().anyMatch(a -> a.tenant().equals(alert.tenant())
        && a.type().equals(alert.type()) && a.subject().equals(alert.subject()) && a.raisedAt().isAfter(since));
    if (recent) {
      return Future.succeededFuture(null);
    }
    alerts.put(alert.id(), alert);
    MemoryPages.keepNewest(alerts, maxAlerts);
    return Future.succeededFuture(alert);
  }

  @Override
  public synchronized Future<Integer> pruneAlerts(Instant before, int limit) {
    return Future.succeededFuture(MemoryPages.pruneOldest(alerts, Alert::raisedAt, before, limit));
  }

  @Override
  public synchronized Future<Alert> get(String id) {
    return Future.succeededFuture(id == null ? null : alerts.get(id));
  }

  @Override
  public synchronized Future<Page<Alert>> list(String tenant, String beforeId, int limit) {
    NavigableMap<String, Alert> older = beforeId == null ? alerts : alerts.headMap(beforeId, false);
    return Future.succeededFuture(MemoryPages.newestFirst(older, a -> tenant == null || tenant.equals(a.tenant()), limit,
        Alert::id));
  }

  @Override
  public synchronized Future<Alert> acknowledge(String id, String by, Instant at) {
    Alert alert = id == null ? null : alerts.get(id);
    if (alert == null || alert.isAcknowledged()) {
      return Future.succeededFuture(alert);
    }
    Alert acknowledged = alert.acknowledge(Objects.requireNonNull(by), at);
    alerts.put(id, acknowledged);
    return Future.succeededFuture(acknowledged);
  }
}
