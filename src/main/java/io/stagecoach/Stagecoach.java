package io.stagecoach;

import io.stagecoach.api.ApiVerticle;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.lock.LocalLockBackend;
import io.stagecoach.lock.LockManagerVerticle;
import io.stagecoach.runner.JobRunnerVerticle;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.runner.demo.DemoJobTypes;
import io.stagecoach.store.memory.MemoryJobStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A running engine: the lock manager, the job runner and the REST API, deployed in that order
 * so that each finds what it talks to already listening.
 */
public final class Stagecoach {
  private final Vertx vertx;
  private final ApiVerticle api;
  private final List<String> deployments;

  private Stagecoach(Vertx vertx, ApiVerticle api, List<String> deployments) {
    this.vertx = vertx;
    this.api = api;
    this.deployments = deployments;
  }

  /** Deploys an engine with {@code types} (plus the demo types when the config enables them). */
  public static Future<Stagecoach> deploy(Vertx vertx, StagecoachConfig config, JobTypeRegistry types) {
    // Millisecond ticks: what the record shows, and what survives a round trip through any store.
    Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    if (config.demoTypes()) {
      DemoJobTypes.registerAll(types);
    }
    MemoryJobStore store = new MemoryJobStore(clock, config.store().logCap());
    ApiVerticle api = new ApiVerticle(config.http());
    return vertx.deployVerticle(new LockManagerVerticle(new LocalLockBackend(clock)))
        .compose(locks -> vertx.deployVerticle(new JobRunnerVerticle(config, store, types, clock))
            .compose(runner -> vertx.deployVerticle(api)
                .map(http -> new Stagecoach(vertx, api, List.of(http, runner, locks)))));
  }

  /** The HTTP port the API listens on. */
  public int httpPort() {
    return api.port();
  }

  /** Undeploys the API first, then the runner and the lock manager. */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (String id : deployments) {
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    return chain;
  }
}
