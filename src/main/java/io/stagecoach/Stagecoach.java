package io.stagecoach;

import io.stagecoach.api.ApiVerticle;
import io.stagecoach.config.RunnerConfig;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.lock.LocalLockBackend;
import io.stagecoach.lock.LockBackend;
import io.stagecoach.lock.redis.RedisLockBackend;
import io.stagecoach.lock.LockManagerVerticle;
import io.stagecoach.metrics.EngineMetrics;
import io.stagecoach.ops.AlertStore;
import io.stagecoach.ops.AuditStore;
import io.stagecoach.ops.MemoryAlertStore;
import io.stagecoach.ops.MemoryAuditStore;
import io.stagecoach.ops.OpsVerticle;
import io.stagecoach.ops.pg.PgOpsStore;
import io.stagecoach.runner.JobRunnerVerticle;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.runner.demo.DemoJobTypes;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.memory.MemoryJobStore;
import io.stagecoach.store.memory.MemoryOutbox;
import io.stagecoach.store.pg.PgJobStore;
import io.stagecoach.webhook.MemoryWebhookStore;
import io.stagecoach.webhook.WebhookDispatcherVerticle;
import io.stagecoach.webhook.WebhookInterest;
import io.stagecoach.webhook.WebhookStore;
import io.stagecoach.webhook.pg.PgWebhookStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A running engine: the lock manager, alerts and audit (ops), the webhook dispatcher, the job
 * runner and the REST API, deployed in that order so that each finds what it talks to already
 * listening.
 */
public final class Stagecoach {
  private final Vertx vertx;
  private final StagecoachConfig config;
  private final JobStore store;
  private final WebhookStore webhookStore;
  private final WebhookInterest interest;
  private AlertStore alertStore;
  private AuditStore auditStore;
  private final JobTypeRegistry types;
  private final Clock clock;
  private final EngineMetrics metrics = EngineMetrics.prometheus();
  private final List<String> deployments = Collections.synchronizedList(new ArrayList<>());
  private ApiVerticle api;

  private Stagecoach(Vertx vertx, StagecoachConfig config, Stores stores, JobTypeRegistry types, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.store = stores.jobs();
    this.webhookStore = stores.webhooks();
    this.interest = new WebhookInterest(webhookStore);
    this.types = types;
    this.clock = clock;
  }

  /** Deploys an engine with {@code types} (plus the demo types when the config enables them). */
  public static Future<Stagecoach> deploy(Vertx vertx, StagecoachConfig config, JobTypeRegistry types) {
    // Millisecond ticks: what the record shows, and what survives a round trip through any store.
    Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    if (config.demoTypes()) {
      DemoJobTypes.registerAll(types);
    }
    return openStores(vertx, config, clock).compose(stores -> {
      Stagecoach engine = new Stagecoach(vertx, config, stores, types, clock);
      return engine.deployAll().map(engine).recover(e -> engine.closeOpsStores()
          .eventually(stores.webhooks()::close)
          .eventually(stores.jobs()::close)
          .transform(v -> Future.failedFuture(e)));
    });
  }

  /** The job store and the webhook store, which share the outbox: one database, or one {@link MemoryOutbox}. */
  private record Stores(JobStore jobs, WebhookStore webhooks) {
  }

  private static Future<Stores> openStores(Vertx vertx, StagecoachConfig config, Clock clock) {
    if (!config.store().isPostgres()) {
      MemoryOutbox outbox = new MemoryOutbox();
      return Future.succeededFuture(new Stores(new MemoryJobStore(clock, config.store().logCap(),
          config.store().maxFinishedJobs(), outbox),
          new MemoryWebhookStore(clock, outbox)));
    }
    String uri = config.store().pgUri();
    return PgJobStore.create(vertx, uri, clock, config.store().logCap()).compose(jobs ->
        PgWebhookStore.create(vertx, uri, clock)
            .map(webhooks -> new Stores(jobs, webhooks))
            .recover(e -> jobs.close().transform(v -> Future.failedFuture(e))));
  }

  private Future<Void> deployAll() {
    api = new ApiVerticle(config.http(), config.auth(), metrics);
    return vertx.deployVerticle(new LockManagerVerticle(lockBackend()))
        .compose(locks -> {
          deployments.add(0, locks);
          return deployOps();
        })
        .compose(ops -> deployWebhooks())
        .compose(webhooks -> addRunner(config.runner()))
        .compose(runner -> vertx.deployVerticle(api))
        .map(http -> {
          deployments.add(0, http);
          return null;
        });
  }

  /** Deploys the dispatcher, which also keeps {@link #interest} (what the runners put in the outbox) fresh. */
  private Future<Void> deployWebhooks() {
    return vertx.deployVerticle(new WebhookDispatcherVerticle(config.webhooks(), webhookStore, clock, interest, metrics)).map(id -> {
      deployments.add(0, id);
      return null;
    });
  }

  /**
   * Opens the alert and audit stores (PostgreSQL when the job store is) and deploys the ops
   * verticle on them, before the runner, so that it counts failures from the first job.
   */
  private Future<Void> deployOps() {
    Future<Void> opened;
    if (config.store().isPostgres()) {
      opened = PgOpsStore.create(vertx, config.store().pgUri()).map(pg -> {
        alertStore = pg;
        auditStore = pg;
        return null;
      });
    } else {
      alertStore = new MemoryAlertStore();
      auditStore = new MemoryAuditStore();
      opened = Future.succeededFuture();
    }
    return opened
        .compose(v -> vertx.deployVerticle(new OpsVerticle(config.alerts(), alertStore, auditStore, clock, store, interest)))
        .map(id -> {
          deployments.add(0, id);
          return null;
        });
  }

  private LockBackend lockBackend() {
    return config.locks().isRedis()
        ? RedisLockBackend.create(vertx, config.locks().redisUri(), clock, config.locks().pauseAfterDataLoss())
        : new LocalLockBackend(clock);
  }

  /**
   * Deploys one more runner on this engine's store, such as the runner that starts work on an
   * engine started with {@code runner.concurrency} 0 (an API-only node).
   */
  public Future<Void> addRunner(RunnerConfig runner) {
    StagecoachConfig withRunner = config.withRunner(runner);
    return vertx.deployVerticle(new JobRunnerVerticle(withRunner, store, types, clock, interest, metrics))
        .map(id -> {
          deployments.add(0, id);
          return null;
        });
  }

  public StagecoachConfig config() {
    return config;
  }

  /** The HTTP port the API listens on. */
  public int httpPort() {
    return api.port();
  }

  /** The operator token the API made at start-up when no token keys are configured (development auth). */
  public Optional<String> developmentToken() {
    return api.developmentToken();
  }

  /** Undeploys in the reverse order of deployment, the API first and the lock manager last, then closes the store. */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (String id : List.copyOf(deployments)) {
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    return chain.eventually(this::closeOpsStores).eventually(webhookStore::close).eventually(store::close)
        .onComplete(ar -> metrics.close());
  }

  /** Closes the alert and audit stores (one PostgreSQL store serves both). */
  private Future<Void> closeOpsStores() {
    Future<Void> alerts = alertStore == null ? Future.succeededFuture() : alertStore.close();
    return auditStore == null || auditStore == alertStore ? alerts : alerts.eventually(auditStore::close);
  }
}
