package io.stagecoach.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.Stagecoach;
import io.stagecoach.bus.Addresses;
import io.stagecoach.client.JobClient;
import io.stagecoach.runner.JobType;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.PgTestSchema;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Two engine processes sharing PostgreSQL and Redis")
class TwoEnginesTest {
  private static final int JOBS = 5_000;
  private static final int LOCKED_JOBS = 50;

  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final AtomicInteger insideLock = new AtomicInteger();
  private final AtomicInteger maxInsideLock = new AtomicInteger();
  private final AtomicLong succeeded = new AtomicLong();
  private final String lockKey = "shared-" + UUID.randomUUID();
  private Vertx otherVertx;
  private PgTestSchema schema;
  private final List<Stagecoach> engines = new ArrayList<>();

  @AfterEach
  void stop(Vertx vertx, VertxTestContext test) {
    Future.join(engines.stream().map(Stagecoach::stop).toList())
        .eventually(() -> otherVertx == null ? Future.succeededFuture() : otherVertx.close())
        .eventually(() -> schema == null ? Future.succeededFuture() : schema.drop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  /** Counts each run of each job; jobs with the lock also count who is inside it. */
  private JobTypeRegistry types() {
    return new JobTypeRegistry().register(JobType.builder("test.count").handler(ctx -> {
      runs.computeIfAbsent(ctx.jobId(), id -> new AtomicInteger()).incrementAndGet();
      if (ctx.fencingToken() == null) {
        return Future.succeededFuture(new JsonObject());
      }
      maxInsideLock.accumulateAndGet(insideLock.incrementAndGet(), Math::max);
      Promise<JsonObject> done = Promise.promise();
      ctx.vertx().setTimer(2, t -> {
        insideLock.decrementAndGet();
        done.complete(new JsonObject());
      });
      return done.future();
    }));
  }

  private Future<Void> countSucceeded(Vertx vertx) {
    return vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> {
      if ("job.succeeded".equals(m.body().getString("type"))) {
        succeeded.incrementAndGet();
      }
    }).completion();
  }

  @Test
  @DisplayName("5,000 jobs run exactly once between them, and a lock key is never held by both")
  void exactlyOnce(Vertx vertx, VertxTestContext test) {
    otherVertx = Vertx.vertx();
    JsonObject runners = DurableEngine.concurrency(16);
    PgTestSchema.create(vertx)
        .compose(s -> {
          schema = s;
          return DurableEngine.start(vertx, s.uri(), runners, types());
        })
        .compose(a -> {
          engines.add(a);
          return DurableEngine.start(otherVertx, schema.uri(), runners, types());
        })
        .compose(b -> {
          engines.add(b);
          return Future.all(countSucceeded(vertx), countSucceeded(otherVertx));
        })
        .compose(v -> submit(JobClient.create(vertx)))
        .compose(v -> Await.until(vertx, () -> Future.succeededFuture(succeeded.get()), n -> n >= JOBS,
            Duration.ofSeconds(120)))
        .onComplete(test.succeeding(n -> test.verify(() -> {
          assertEquals(JOBS, runs.size(), "every job ran");
          assertTrue(runs.values().stream().allMatch(c -> c.get() == 1), "no job ran twice");
          assertEquals(JOBS, succeeded.get(), "one job.succeeded per job");
          assertEquals(1, maxInsideLock.get(), "the lock was never held by two jobs at once");
          test.completeNow();
        })));
  }

  private Future<Void> submit(JobClient jobs) {
    List<JsonObject> all = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      JsonObject job = new JsonObject().put("type", "test.count");
      if (i % (JOBS / LOCKED_JOBS) == 0) {
        job.put("lock", new JsonObject().put("key", lockKey).put("onBusy", "wait"));
      }
      all.add(job);
    }
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < JOBS; from += 1000) {
      List<JsonObject> batch = all.subList(from, from + 1000);
      chain = chain.compose(v -> jobs.submitBatch(batch).mapEmpty());
    }
    return chain;
  }
}
