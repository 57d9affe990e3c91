package io.stagecoach.webhook;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.BusErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The webhook operations over the event bus, served by {@link WebhookDispatcherVerticle}. Every
 * call but {@link #create} takes a {@code scope}: the tenant the caller may see, or null for an
 * operator's view of every tenant. A webhook outside the scope is {@code not_found}, as one that
 * does not exist. Failures carry the contract's errors.
 */
public final class WebhookClient {
  private final Vertx vertx;

  private WebhookClient(Vertx vertx) {
    this.vertx = vertx;
  }

  public static WebhookClient create(Vertx vertx) {
    return new WebhookClient(vertx);
  }

  /** {@code {tenant, url, events, description}} → the subscription with its {@code secret}, shown this once. */
  public Future<JsonObject> create(JsonObject subscription) {
    return request(Addresses.WEBHOOKS_CREATE, subscription);
  }

  /** {@code {items, nextCursor}} of the scope's subscriptions, in creation order. */
  public Future<JsonObject> list(String scope, String cursor, int limit) {
    return request(Addresses.WEBHOOKS_LIST, scoped(scope).put("cursor", cursor).put("limit", limit));
  }

  public Future<JsonObject> get(String scope, String id) {
    return request(Addresses.WEBHOOKS_GET, scoped(scope).put("id", id));
  }

  public Future<Void> delete(String scope, String id) {
    return request(Addresses.WEBHOOKS_DELETE, scoped(scope).put("id", id)).mapEmpty();
  }

  /** A new secret (in {@code secret}, shown this once); the old one keeps signing for the grace period. */
  public Future<JsonObject> rotateSecret(String scope, String id) {
    return request(Addresses.WEBHOOKS_ROTATE_SECRET, scoped(scope).put("id", id));
  }

  /**
   * Makes a disabled webhook active again (clearing why and since when it failed) and answers it;
   * an active one is answered as it is. Deliveries that failed meanwhile are not sent again.
   */
  public Future<JsonObject> enable(String scope, String id) {
    return request(Addresses.WEBHOOKS_ENABLE, scoped(scope).put("id", id));
  }

  /** {@code {items, nextCursor}}: the webhook's deliveries, newest first, each with its attempts. */
  public Future<JsonObject> deliveries(String scope, String id, String cursor, int limit) {
    return request(Addresses.WEBHOOKS_DELIVERIES, scoped(scope).put("id", id).put("cursor", cursor).put("limit", limit));
  }

  /** Sends a delivery's event again, as a new delivery with the same {@code webhook-id}. */
  public Future<JsonObject> redeliver(String scope, String id, String deliveryId) {
    return request(Addresses.WEBHOOKS_REDELIVER, scoped(scope).put("id", id).put("deliveryId", deliveryId));
  }

  /** Sends a {@code webhook.ping} event to this webhook alone, whatever its filters. */
  public Future<JsonObject> ping(String scope, String id) {
    return request(Addresses.WEBHOOKS_PING, scoped(scope).put("id", id));
  }

  private static JsonObject scoped(String scope) {
    return new JsonObject().put("scope", scope);
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body)
        .map(Message::body)
        .recover(e -> Future.failedFuture(BusErrors.toStagecoach(e)));
  }
}
