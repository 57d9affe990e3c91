package io.stagecoach.testing;

import io.stagecoach.Stagecoach;
import io.stagecoach.client.JobClient;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.runner.JobTypeRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * A whole engine for a test: lock manager, runner and REST API on a free port, with settings
 * that keep tests quick (short backoff, leases and progress interval) — and a poll interval long
 * enough that a test passing proves jobs start by wake-up, not by polling.
 */
public final class TestEngine {
  public final Vertx vertx;
  public final Stagecoach engine;
  public final WebClient http;
  public final JobClient jobs;
  public final int port;

  private TestEngine(Vertx vertx, Stagecoach engine) {
    this.vertx = vertx;
    this.engine = engine;
    this.port = engine.httpPort();
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    this.jobs = JobClient.create(vertx);
  }

  /** The test defaults, with {@code overrides} merged over them (deeply). */
  public static JsonObject config(JsonObject overrides) {
    JsonObject base = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("runner", new JsonObject()
            .put("concurrency", 8)
            .put("leaseTtlMs", 2_000)
            .put("pollIntervalMs", 30_000)
            .put("progressIntervalMs", 50)
            .put("backoffBaseMs", 20)
            .put("backoffMaxMs", 100)
            .put("lockWaitRecheckMs", 30_000))
        .put("jobs", new JsonObject().put("maxAttempts", 3).put("timeoutMs", 30_000));
    return base.mergeIn(overrides, true);
  }

  public static Future<TestEngine> start(Vertx vertx) {
    return start(vertx, new JsonObject(), new JobTypeRegistry());
  }

  public static Future<TestEngine> start(Vertx vertx, JsonObject overrides, JobTypeRegistry types) {
    StagecoachConfig config = StagecoachConfig.fromJson(config(overrides));
    return Stagecoach.deploy(vertx, config, types).map(engine -> new TestEngine(vertx, engine));
  }

  public Future<Void> stop() {
    http.close();
    return engine.stop();
  }
}
