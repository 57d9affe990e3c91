package io.stagecoach.webhook;

import io.stagecoach.bus.EventInterest;
import io.stagecoach.bus.EventType;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every active subscription, held in memory: which events the runner must record in the outbox
 * ({@link #wants}, asked on every job change, so it never queries), and whom the relay hands an
 * outbox event to ({@link #of}). Refreshed by the dispatcher every {@link #REFRESH_MS} and by the
 * webhook service at once after a change through this process; a subscription made through
 * another engine process is seen within {@link #REFRESH_MS}. Until the first refresh succeeds it
 * wants everything, so that nothing is lost while the database is out of reach at start-up.
 */
public final class WebhookInterest implements EventInterest {
  public static final long REFRESH_MS = 1_000;

  private final WebhookStore store;
  private volatile Map<String, List<Subscription>> byTenant;

  public WebhookInterest(WebhookStore store) {
    this.store = store;
  }

  /** Reads the active subscriptions again; a failure keeps the previous ones. */
  public Future<Void> refresh() {
    return store.active(null).map(all -> {
      Map<String, List<Subscription>> grouped = new HashMap<>();
      all.forEach(s -> grouped.computeIfAbsent(s.tenant(), t -> new ArrayList<>()).add(s));
      byTenant = grouped;
      return null;
    });
  }

  @Override
  public boolean wants(String tenant, EventType type) {
    Map<String, List<Subscription>> known = byTenant;
    if (known == null) {
      return true;
    }
    for (Subscription subscription : known.getOrDefault(tenant, List.of())) {
      if (subscription.wants(type.wire())) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@link #of} can answer: the subscriptions have been read at least once. */
  boolean known() {
    return byTenant != null;
  }

  /** The tenant's active subscriptions that want events of {@code type}. */
  List<Subscription> of(String tenant, String type) {
    Map<String, List<Subscription>> known = byTenant;
    if (known == null) {
      return List.of();
    }
    return known.getOrDefault(tenant, List.of()).stream().filter(s -> s.wants(type)).toList();
  }
}
