package io.stagecoach.webhook;

import io.stagecoach.store.OutboxEntry;
import io.stagecoach.store.Page;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Webhook subscriptions, their pending deliveries and the attempt log. Every call is short and
 * never blocks its caller's event loop. Implementations: {@link MemoryWebhookStore} (one
 * process) and {@code pg.PgWebhookStore} (shared, survives restarts). {@code WebhookStoreContract}
 * holds what both promise.
 *
 * <p>Changes to a subscription are targeted updates (rotate, mark failing, disable), never a
 * whole-record save, so that the dispatcher and the API cannot overwrite each other's changes.
 */
public interface WebhookStore {

  /**
   * Stores a new subscription unless its tenant already has {@code maxPerTenant} (disabled ones
   * count); answers it, or null when the tenant is at its limit. The count and the insert are one
   * step, so creates racing each other (in any process) cannot pass the limit.
   */
  Future<Subscription> create(Subscription subscription, int maxPerTenant);

  /** The subscription with {@code id}, or null. */
  Future<Subscription> get(String id);

  /**
   * Subscriptions in creation order (id order), of {@code tenant} or of every tenant when null,
   * starting after {@code afterId} (null: from the first), at most {@code limit}.
   */
  Future<Page<Subscription>> list(String tenant, String afterId, int limit);

  /** The tenant's subscriptions that are not disabled; every tenant's when {@code tenant} is null. */
  Future<List<Subscription>> active(String tenant);

  /** Deletes the subscription, its deliveries and their attempts; false if there was none. */
  Future<Boolean> delete(String id);

  /** Makes {@code secret} the current one; the current one becomes the previous, signing until {@code previousExpiresAt}. Null if gone. */
  Future<Subscription> rotateSecret(String id, String secret, Instant previousExpiresAt);

  /** Notes a failed attempt at {@code at}: sets {@code failingSince} unless it is already set. */
  Future<Void> markFailing(String id, Instant at);

  /** Notes a successful attempt: clears {@code failingSince}. */
  Future<Void> markHealthy(String id);

  /** Stops deliveries to the subscription; true if this call disabled it (false if it already was, or is gone). */
  Future<Boolean> disable(String id, Instant at, String reason);

  /**
   * Makes a disabled subscription active again, clearing {@code disabledAt}, {@code disabledReason}
   * and {@code failingSince}; an active one is left as it is. Answers the subscription, or null if gone.
   */
  Future<Subscription> enable(String id);

  /** Stores new pending deliveries (their ids are new). */
  Future<Void> enqueue(List<Delivery> deliveries);

  /**
   * Moves up to {@code limit} events from the outbox (oldest first) into deliveries, atomically:
   * {@code fanOut} makes the deliveries of the events taken, and they are stored as the events
   * leave the outbox (one transaction on PostgreSQL, where concurrent relays skip each other's
   * events); when anything fails, the events stay in the outbox. Answers the deliveries stored.
   */
  Future<List<Delivery>> relay(int limit, Function<List<OutboxEntry>, Future<List<Delivery>>> fanOut);

  /** The delivery with its attempt log, or null. */
  Future<Delivery> delivery(String id);

  /** A subscription's deliveries, newest first, with their attempt logs, before {@code beforeId} (null: the newest). */
  Future<Page<Delivery>> deliveries(String webhookId, String beforeId, int limit);

  /**
   * Claims up to {@code limit} pending deliveries due at {@code now} (oldest due first) by moving
   * their {@code nextAttemptAt} to {@code leaseUntil}: a claimed delivery is not claimed again
   * before then, in this process or another, so that a dispatcher that dies mid-attempt delays
   * the delivery by the lease but never loses it. Answers them without their logs.
   */
  Future<List<Delivery>> claimDue(Instant now, Instant leaseUntil, int limit);

  /**
   * Settles one attempt: appends {@code attempt} (when not null: a delivery can be settled without
   * one, as when its endpoint was disabled), counts it, and moves the delivery to {@code status},
   * due again at {@code nextAttemptAt} if still pending. Nothing happens if the delivery is gone.
   */
  Future<Void> recordAttempt(String deliveryId, Attempt attempt, DeliveryStatus status, Instant nextAttemptAt);

  /**
   * Deletes up to {@code limit} deliveries that finished (succeeded or failed) before
   * {@code finishedBefore}, with their attempts; answers how many. A pending delivery is never
   * deleted, however old. On PostgreSQL, processes pruning at once skip each other's rows.
   */
  Future<Integer> pruneDeliveries(Instant finishedBefore, int limit);

  /** Frees connections; nothing for a store in memory. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
