package io.stagecoach.ops;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.BusErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** The audit log over the event bus, served by {@link OpsVerticle}. */
public final class AuditClient {
  /** How long a mutation's answer may wait for its audit entry to be written. Defaults to 5 seconds. */
  public static final Duration DEFAULT_RECORD_TIMEOUT = Duration.ofSeconds(5);

  private final Vertx vertx;

  public AuditClient(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Appends {@code {actor, tenant, action, target, before, after}}; answers the entry's id. */
  public Future<String> record(JsonObject entry) {
    return vertx.eventBus().<JsonObject>request(Addresses.AUDIT_RECORD, entry,
            new DeliveryOptions().setSendTimeout(DEFAULT_RECORD_TIMEOUT.toMillis()))
        .map(m -> m.body().getString("id"))
        .recover(e -> Future.failedFuture(BusErrors.toStagecoach(e)));
  }

  /** {@code {items, nextCursor}}, newest first, of {@code scope} (null: every tenant). */
  public Future<JsonObject> list(String scope, String cursor, int limit) {
    return vertx.eventBus().<JsonObject>request(Addresses.AUDIT_LIST,
            new JsonObject().put("scope", scope).put("cursor", cursor).put("limit", limit))
        .map(Message::body)
        .recover(e -> Future.failedFuture(BusErrors.toStagecoach(e)));
  }
}
