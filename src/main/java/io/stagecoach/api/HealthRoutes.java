package io.stagecoach.api;

import io.stagecoach.bus.Addresses;
import io.stagecoach.client.JobClient;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Liveness (the process answers) and readiness (the store and the lock backend answer). */
final class HealthRoutes {
  private static final DeliveryOptions PROBE = new DeliveryOptions().setSendTimeout(2_000);

  private final Vertx vertx;
  private final JobClient jobs;

  HealthRoutes(Vertx vertx) {
    this.vertx = vertx;
    this.jobs = JobClient.create(vertx);
  }

  void live(RoutingContext ctx) {
    Responses.json(ctx, 200, new JsonObject().put("status", "up"));
  }

  void ready(RoutingContext ctx) {
    Future<JsonObject> store = jobs.health();
    Future<Object> locks = vertx.eventBus().request(Addresses.LOCKS_PING, new JsonObject(), PROBE).map(m -> m.body());
    Future.join(store, locks).onComplete(ar -> {
      JsonObject checks = new JsonObject()
          .put("store", store.succeeded() ? "up" : "down")
          .put("locks", locks.succeeded() ? "up" : "down");
      if (store.succeeded() && locks.succeeded()) {
        Responses.json(ctx, 200, new JsonObject().put("status", "up").put("checks", checks));
      } else {
        Responses.error(ctx, new StagecoachException(ErrorCode.UNAVAILABLE, "not ready", checks));
      }
    });
  }
}
