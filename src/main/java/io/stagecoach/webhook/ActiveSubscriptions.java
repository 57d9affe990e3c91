package io.stagecoach.webhook;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The active subscriptions of each tenant, read from the store at most once per {@link #TTL_MS}:
 * every job event asks for them, and one query per event would cost more than the job. A change
 * made through this process is seen at once ({@link #invalidate}); one made by another engine
 * process, within {@link #TTL_MS}.
 */
final class ActiveSubscriptions {
  static final long TTL_MS = 1_000;

  private record Entry(List<Subscription> subscriptions, long readAt) {
  }

  private final WebhookStore store;
  private final Map<String, Entry> byTenant = new ConcurrentHashMap<>();

  ActiveSubscriptions(WebhookStore store) {
    this.store = store;
  }

  Future<List<Subscription>> of(String tenant) {
    Entry entry = byTenant.get(tenant);
    long now = System.currentTimeMillis();
    if (entry != null && now - entry.readAt() < TTL_MS) {
      return Future.succeededFuture(entry.subscriptions());
    }
    return store.active(tenant).onSuccess(subscriptions -> byTenant.put(tenant, new Entry(subscriptions, now)));
  }

  void invalidate() {
    byTenant.clear();
  }
}
