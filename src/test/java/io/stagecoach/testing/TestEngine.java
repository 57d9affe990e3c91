package io.stagecoach.testing;

import io.stagecoach.Stagecoach;
import io.stagecoach.client.JobClient;
import io.stagecoach.config.AuthConfig;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.runner.JobTypeRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;

/**
 * A whole engine for a test: lock manager, runner and REST API on a free port, with settings
 * that keep tests quick (short backoff, leases and progress interval) — and a poll interval long
 * enough that a test passing proves jobs start by wake-up, not by polling. The API verifies
 * tokens with {@link Tokens#SECRET}; {@link #http} sends an operator token with every request.
 */
public final class TestEngine {
  public final Vertx vertx;
  public final Stagecoach engine;
  /** A client on the API that sends {@link #operatorToken} with every request. */
  public final WebClient http;
  /** A client on the API that sends no token: add your own {@code Authorization} header. */
  public final WebClient anonymousHttp;
  /** An operator token of tenant {@code default}, valid for an hour. */
  public final String operatorToken;
  public final JobClient jobs;
  public final int port;

  private TestEngine(Vertx vertx, Stagecoach engine) {
    this.vertx = vertx;
    this.engine = engine;
    this.port = engine.httpPort();
    this.anonymousHttp = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    this.operatorToken = operatorToken(engine.config().auth());
    this.http = WebClientSession.create(anonymousHttp).addHeader("Authorization", "Bearer " + operatorToken);
    this.jobs = JobClient.create(vertx);
  }

  /** An operator token of tenant {@code default} that {@code auth} accepts, if it takes HS256 tokens. */
  private static String operatorToken(AuthConfig auth) {
    Tokens token = Tokens.aToken();
    if (auth.issuer() != null) {
      token.issuer(auth.issuer());
    }
    if (!auth.audience().isEmpty()) {
      token.audience(auth.audience().get(0));
    }
    return token.signHs256(auth.hs256Secret() != null ? auth.hs256Secret() : Tokens.SECRET);
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
            .put("lockWaitRecheckMs", 30_000)
            // A test that stops an engine with a handler still held (a Gate never opened) waits this long.
            .put("stopGraceMs", 500))
        .put("jobs", new JsonObject().put("maxAttempts", 3).put("timeoutMs", 30_000))
        .put("auth", new JsonObject().put("hs256Secret", Tokens.SECRET))
        // Receivers in tests listen on 127.0.0.1; retries come within a fraction of a second.
        .put("webhooks", new JsonObject()
            .put("allowPrivate", true)
            .put("retrySchedule", new io.vertx.core.json.JsonArray().add("20ms").add("50ms").add("100ms"))
            .put("pollIntervalMs", 20)
            .put("connectTimeoutMs", 1_000)
            .put("requestTimeoutMs", 2_000));
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
    anonymousHttp.close();
    return engine.stop();
  }
}
