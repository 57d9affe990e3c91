package io.stagecoach.durable;

import io.stagecoach.Stagecoach;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.Services;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Engines on PostgreSQL and Redis, as separate processes would run them: each on a Vert.x of its own. */
final class DurableEngine {
  private DurableEngine() {
  }

  /** The test config with the PostgreSQL store at {@code pgUri} and Redis locks, {@code overrides} over it. */
  static JsonObject config(String pgUri, JsonObject overrides) {
    return TestEngine.config(new JsonObject()
            .put("store", new JsonObject().put("kind", "postgres").put("pgUri", pgUri))
            // This suite's Redis keeps its data; RedisRestartTest is where it loses it.
            .put("locks", new JsonObject().put("backend", "redis").put("redisUri", Services.redis())
                .put("pauseAfterDataLossMs", 0))
            .put("runner", new JsonObject().put("pollIntervalMs", 1_000).put("lockWaitRecheckMs", 1_000)))
        .mergeIn(overrides, true);
  }

  static Future<Stagecoach> start(Vertx vertx, String pgUri, JsonObject overrides, JobTypeRegistry types) {
    return Stagecoach.deploy(vertx, StagecoachConfig.fromJson(config(pgUri, overrides)), types);
  }

  static JsonObject concurrency(int n) {
    return new JsonObject().put("runner", new JsonObject().put("concurrency", n));
  }
}
