package io.stagecoach.webhook;

import io.stagecoach.store.OutboxEntry;
import io.stagecoach.store.Page;
import io.stagecoach.store.memory.MemoryOutbox;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Subscriptions and deliveries in this process's heap, gone when it stops. One monitor guards
 * everything but the outbox, which has its own (the job store fills it). Besides retention by
 * age it keeps at most {@code maxFinished} finished deliveries: each delivery that finishes beyond
 * that drops the one that finished first, with its attempts. Pending deliveries stay.
 */
public final class MemoryWebhookStore implements WebhookStore {
  /** A delivery carries its event's body and attempts, 2-4 KB (estimated): some 100-200 MB at most. */
  public static final int DEFAULT_MAX_FINISHED_DELIVERIES = 50_000;

  private final Clock clock;
  private final int maxFinished;
  private final MemoryOutbox outbox;
  private final NavigableMap<String, Subscription> subscriptions = new TreeMap<>();
  private final NavigableMap<String, Delivery> deliveries = new TreeMap<>();
  private final Map<String, List<Attempt>> attempts = new HashMap<>();
  /** Finished deliveries' ids in the order they finished, oldest first: what the cap drops. */
  private final LinkedHashSet<String> finished = new LinkedHashSet<>();

  public MemoryWebhookStore(Clock clock) {
    this(clock, new MemoryOutbox());
  }

  /** A store that relays the events a {@code MemoryJobStore} puts in {@code outbox}. */
  public MemoryWebhookStore(Clock clock, MemoryOutbox outbox) {
    this(clock, outbox, DEFAULT_MAX_FINISHED_DELIVERIES);
  }

  /** Such a store that keeps at most {@code maxFinished} finished deliveries. */
  public MemoryWebhookStore(Clock clock, MemoryOutbox outbox, int maxFinished) {
    this.clock = clock;
    this.outbox = outbox;
    this.maxFinished = maxFinished;
  }

  @Override
  public synchronized Future<Subscription> create(Subscription subscription, int maxPerTenant) {
    long held = subscriptions.values().stream().filter(s -> s.tenant().equals(subscription.tenant())).count();
    if (held >= maxPerTenant) {
      return Future.succeededFuture(null);
    }
    subscriptions.put(subscription.id(), subscription);
    return Future.succeededFuture(subscription);
  }

  @Override
  public synchronized Future<Subscription> get(String id) {
    return Future.succeededFuture(subscriptions.get(id));
  }

  @Override
  public synchronized Future<Page<Subscription>> list(String tenant, String afterId, int limit) {
    List<Subscription> page = new ArrayList<>();
    Map<String, Subscription> from = afterId == null ? subscriptions : subscriptions.tailMap(afterId, false);
    for (Subscription s : from.values()) {
      if (tenant == null || tenant.equals(s.tenant())) {
        if (page.size() == limit) {
          return Future.succeededFuture(new Page<>(page, page.get(page.size() - 1).id()));
        }
        page.add(s);
      }
    }
    return Future.succeededFuture(new Page<>(page, null));
  }

  @Override
  public synchronized Future<List<Subscription>> active(String tenant) {
    return Future.succeededFuture(subscriptions.values().stream()
        .filter(s -> (tenant == null || s.tenant().equals(tenant)) && !s.isDisabled())
        .toList());
  }

  @Override
  public synchronized Future<Boolean> delete(String id) {
    boolean existed = subscriptions.remove(id) != null;
    deliveries.values().stream().filter(d -> d.webhookId().equals(id)).map(Delivery::id).toList()
        .forEach(this::forget);
    return Future.succeededFuture(existed);
  }

  @Override
  public synchronized Future<Subscription> rotateSecret(String id, String secret, Instant previousExpiresAt) {
    Subscription s = subscriptions.get(id);
    if (s == null) {
      return Future.succeededFuture(null);
    }
    Subscription rotated = new Subscription(s.id(), s.tenant(), s.url(), s.events(), s.description(), s.createdAt(),
        s.disabledAt(), s.disabledReason(), s.failingSince(), secret, s.secret(), previousExpiresAt);
    subscriptions.put(id, rotated);
    return Future.succeededFuture(rotated);
  }

  @Override
  public synchronized Future<Void> markFailing(String id, Instant at) {
    Subscription s = subscriptions.get(id);
    if (s != null && s.failingSince() == null) {
      subscriptions.put(id, withHealth(s, s.disabledAt(), s.disabledReason(), at));
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> markHealthy(String id) {
    Subscription s = subscriptions.get(id);
    if (s != null && s.failingSince() != null) {
      subscriptions.put(id, withHealth(s, s.disabledAt(), s.disabledReason(), null));
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Boolean> disable(String id, Instant at, String reason) {
    Subscription s = subscriptions.get(id);
    if (s == null || s.isDisabled()) {
      return Future.succeededFuture(false);
    }
    subscriptions.put(id, withHealth(s, at, reason, s.failingSince()));
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Subscription> enable(String id) {
    Subscription s = subscriptions.get(id);
    if (s != null && s.isDisabled()) {
      s = withHealth(s, null, null, null);
      subscriptions.put(id, s);
    }
    return Future.succeededFuture(s);
  }

  private static Subscription withHealth(Subscription s, Instant disabledAt, String reason, Instant failingSince) {
    return new Subscription(s.id(), s.tenant(), s.url(), s.events(), s.description(), s.createdAt(), disabledAt, reason,
        failingSince, s.secret(), s.previousSecret(), s.previousSecretExpiresAt());
  }

  @Override
  public synchronized Future<Void> enqueue(List<Delivery> batch) {
    for (Delivery d : batch) {
      if (subscriptions.containsKey(d.webhookId())) {
        deliveries.put(d.id(), d.withLog(List.of()));
        attempts.put(d.id(), new ArrayList<>());
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<Delivery>> relay(int limit, Function<List<OutboxEntry>, Future<List<Delivery>>> fanOut) {
    List<OutboxEntry> taken = outbox.take(limit);
    if (taken.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return fanOut.apply(taken)
        .compose(made -> enqueue(made).map(made))
        .onFailure(e -> outbox.putBack(taken));
  }

  @Override
  public synchronized Future<Delivery> delivery(String id) {
    Delivery d = deliveries.get(id);
    return Future.succeededFuture(d == null ? null : d.withLog(attempts.get(id)));
  }

  @Override
  public synchronized Future<Page<Delivery>> deliveries(String webhookId, String beforeId, int limit) {
    List<Delivery> page = new ArrayList<>();
    Map<String, Delivery> from = beforeId == null ? deliveries.descendingMap() : deliveries.headMap(beforeId, false).descendingMap();
    for (Delivery d : from.values()) {
      if (d.webhookId().equals(webhookId)) {
        if (page.size() == limit) {
          return Future.succeededFuture(new Page<>(page, page.get(page.size() - 1).id()));
        }
        page.add(d.withLog(attempts.get(d.id())));
      }
    }
    return Future.succeededFuture(new Page<>(page, null));
  }

  @Override
  public synchronized Future<List<Delivery>> claimDue(Instant now, Instant leaseUntil, int limit) {
    List<Delivery> due = deliveries.values().stream()
        .filter(d -> d.status() == DeliveryStatus.PENDING && !d.nextAttemptAt().isAfter(now))
        .sorted(Comparator.comparing(Delivery::nextAttemptAt).thenComparing(Delivery::id))
        .limit(limit)
        .toList();
    List<Delivery> claimed = new ArrayList<>(due.size());
    for (Delivery d : due) {
      Delivery leased = new Delivery(d.id(), d.webhookId(), d.tenant(), d.eventId(), d.eventType(), d.body(), d.status(),
          d.attempts(), leaseUntil, d.createdAt(), d.finishedAt(), List.of());
      deliveries.put(d.id(), leased);
      claimed.add(leased);
    }
    return Future.succeededFuture(claimed);
  }

  @Override
  public synchronized Future<Integer> pruneDeliveries(Instant finishedBefore, int limit) {
    List<String> old = deliveries.values().stream()
        .filter(d -> d.status() != DeliveryStatus.PENDING && d.finishedAt().isBefore(finishedBefore))
        .limit(limit)
        .map(Delivery::id)
        .toList();
    old.forEach(this::forget);
    return Future.succeededFuture(old.size());
  }

  private void forget(String deliveryId) {
    deliveries.remove(deliveryId);
    attempts.remove(deliveryId);
    finished.remove(deliveryId);
  }

  @Override
  public synchronized Future<Void> recordAttempt(String deliveryId, Attempt attempt, DeliveryStatus status,
      Instant nextAttemptAt) {
    Delivery d = deliveries.get(deliveryId);
    if (d == null) {
      return Future.succeededFuture();
    }
    int count = d.attempts();
    if (attempt != null) {
      attempts.get(deliveryId).add(attempt);
      count++;
    }
    Instant finishedAt = status == DeliveryStatus.PENDING ? null : clock.instant();
    deliveries.put(deliveryId, new Delivery(d.id(), d.webhookId(), d.tenant(), d.eventId(), d.eventType(), d.body(),
        status, count, status == DeliveryStatus.PENDING ? nextAttemptAt : null, d.createdAt(), finishedAt, List.of()));
    if (status != DeliveryStatus.PENDING && finished.add(deliveryId) && finished.size() > maxFinished) {
      forget(finished.iterator().next()); // the delivery that finished first
    }
    return Future.succeededFuture();
  }
}
