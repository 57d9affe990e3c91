package io.stagecoach.api;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.BusErrors;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /locks} and {@code DELETE /locks/{key}}, through the lock manager's bus addresses.
 * Operator only: a lock's holder is a runner's claim on a job, and the lock backend keeps no
 * tenant, so an admin's view of "its" locks could not be told apart without a read per lock.
 */
final class LockRoutes {
  /** The longest lock key accepted in a path. */
  static final int MAX_KEY_LENGTH = 200;

  private final Vertx vertx;
  private final Audit audit;

  LockRoutes(Vertx vertx, Audit audit) {
    this.vertx = vertx;
    this.audit = audit;
  }

  void list(RoutingContext ctx) {
    request(Addresses.LOCKS_LIST, new JsonObject())
        .onSuccess(page -> Responses.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  /** Releases the lock whoever holds it: {@code 204}, or {@code 404} when it is not held. Audited with the holder before. */
  void forceRelease(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw StagecoachException.invalidInput("key", "must be a lock key of 1 to " + MAX_KEY_LENGTH + " characters");
    }
    request(Addresses.LOCKS_LIST, new JsonObject())
        .map(page -> held(page.getJsonArray("items"), key))
        .compose(before -> audit.after(ctx, "lock.forceRelease",
            request(Addresses.LOCKS_FORCE_RELEASE, new JsonObject().put("key", key)).compose(reply ->
                reply.getBoolean("released", false)
                    ? Future.succeededFuture(reply)
                    : Future.failedFuture(StagecoachException.notFound("lock " + key))),
            reply -> new Audit.Change(null, key, before, reply)))
        .onSuccess(reply -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static JsonObject held(JsonArray locks, String key) {
    for (Object lock : locks) {
      if (lock instanceof JsonObject l && key.equals(l.getString("key"))) {
        return l;
      }
    }
    return null;
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body)
        .map(Message::body)
        .recover(e -> Future.failedFuture(BusErrors.toStagecoach(e)));
  }
}
