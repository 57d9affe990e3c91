package io.stagecoach.ops;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.BusErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Alerts over the event bus, served by {@link OpsVerticle}. {@code scope} is the tenant the caller
 * may see, or null for every tenant; an alert outside it is {@code not_found}.
 */
public final class AlertClient {
  private final Vertx vertx;

  public AlertClient(Vertx vertx) {
    this.vertx = vertx;
  }

  /** {@code {items, nextCursor}}, newest first. */
  public Future<JsonObject> list(String scope, String cursor, int limit) {
    return request(Addresses.ALERTS_LIST, new JsonObject().put("scope", scope).put("cursor", cursor).put("limit", limit));
  }

  /** Acknowledges the alert as {@code by} (a token subject); answers the alert. */
  public Future<JsonObject> acknowledge(String scope, String id, String by) {
    return request(Addresses.ALERTS_ACK, new JsonObject().put("scope", scope).put("id", id).put("by", by));
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body)
        .map(Message::body)
        .recover(e -> Future.failedFuture(BusErrors.toStagecoach(e)));
  }
}
