package io.stagecoach.runner;

import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.client.JobClient;
import io.stagecoach.client.Submitted;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.Gate;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Jobs that name a lock (SPEC §4)")
class LockedJobsTest {
  private static final String KEY = "deployment:74";
  private TestEngine engine;
  private final Gate holder = new Gate();

  @AfterEach
  void stop(VertxTestContext test) {
    holder.open();
    (engine == null ? Future.succeededFuture() : engine.stop()).onComplete(test.succeedingThenComplete());
  }

  private Future<JobClient> start(Vertx vertx, int concurrency, JobType... types) {
    JobTypeRegistry registry = new JobTypeRegistry().register(holder.type("test.hold"));
    for (JobType type : types) {
      registry.register(type);
    }
    JsonObject config = new JsonObject().put("runner", new JsonObject().put("concurrency", concurrency));
    return TestEngine.start(vertx, config, registry).map(e -> {
      engine = e;
      return e.jobs;
    });
  }

  /** Submits a job that takes the lock and keeps it until the holder gate opens. */
  private Future<Submitted> holdLock(Vertx vertx, JobClient jobs) {
    return jobs.submit(aJob("test.hold").withLock(KEY, "fail").json())
        .compose(s -> holder.awaitStarted(vertx, 1).map(s));
  }

  @Test
  @DisplayName("skip: a job whose lock is busy ends succeeded as skipped, with a WARN naming key and holder")
  void skip(Vertx vertx, VertxTestContext test) {
    start(vertx, 4)
        .compose(jobs -> holdLock(vertx, jobs)
            .compose(held -> jobs.submit(aJob("demo.noop").withLock(KEY, "skip").json())
                .compose(s -> jobs.awaitEnd(s.id()))
                .compose(job -> jobs.logs(job.getString("id"), 0, 10).map(logs -> List.of(held.job(), job, logs)))))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          String holderId = r.get(0).getString("id");
          JsonObject job = r.get(1);
          assertEquals("succeeded", job.getString("status"));
          assertEquals(new JsonObject().put("skipped", "lock_busy"), job.getJsonObject("result"));
          JsonObject warn = r.get(2).getJsonArray("items").stream().map(JsonObject.class::cast)
              .filter(l -> l.getString("level").equals("warn")).findFirst().orElseThrow();
          assertTrue(warn.getString("message").contains(KEY) && warn.getString("message").contains(holderId), warn.encode());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("fail: a job whose lock is busy fails with lock_busy, without retries")
  void fail(Vertx vertx, VertxTestContext test) {
    start(vertx, 4)
        .compose(jobs -> holdLock(vertx, jobs)
            .compose(held -> jobs.submit(aJob("demo.noop").withLock(KEY, "fail").maxAttempts(3).json()))
            .compose(s -> jobs.awaitEnd(s.id())))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("failed", job.getString("status"));
          assertEquals("lock_busy", job.getJsonObject("error").getString("code"));
          assertEquals(1, job.getInteger("attempt"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("wait: a job whose lock is busy stays queued, holding no worker, and runs once the lock is free")
  void waitForLock(Vertx vertx, VertxTestContext test) {
    // Two slots: the holder takes one. If the waiting job held the other, the free job could not run.
    start(vertx, 2)
        .compose(jobs -> holdLock(vertx, jobs)
            .compose(held -> jobs.submit(aJob("demo.noop").withLock(KEY, "wait").json()))
            .compose(waiting -> Await.until(vertx, () -> jobs.get(waiting.id()),
                    j -> "queued".equals(j.getString("status")) && j.getInteger("version") > 1)
                .compose(queued -> jobs.submit(aJob("demo.noop").json()).compose(free -> jobs.awaitEnd(free.id())))
                .compose(free -> jobs.get(waiting.id()))
                .compose(stillQueued -> {
                  test.verify(() -> assertEquals("queued", stillQueued.getString("status")));
                  holder.open();
                  // The release wakes it: well before the 30 s recheck of the test config.
                  return jobs.awaitEnd(waiting.id()).timeout(10, java.util.concurrent.TimeUnit.SECONDS);
                })))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("succeeded", job.getString("status"));
          assertEquals(1, job.getInteger("attempt"), "waiting for a lock does not use up attempts");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("many concurrent jobs on one key: never two inside at once, fencing tokens always growing")
  void exclusivity(Vertx vertx, VertxTestContext test) {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    List<Long> fences = new CopyOnWriteArrayList<>();
    JobType critical = JobType.builder("test.critical").handler(ctx -> {
      maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
      fences.add(ctx.fencingToken());
      Promise<JsonObject> done = Promise.promise();
      ctx.vertx().setTimer(3, t -> {
        inside.decrementAndGet();
        done.complete(new JsonObject());
      });
      return done.future();
    });
    int n = 40;
    start(vertx, 8, critical)
        .compose(jobs -> {
          List<JsonObject> batch = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            batch.add(aJob("test.critical").withLock(KEY, "wait").json());
          }
          return jobs.submitBatch(batch)
              .compose(ids -> Await.until(vertx, () -> jobs.list(new JsonObject().put("status", "succeeded").put("limit", 500)),
                  page -> page.getJsonArray("items").size() == n, Duration.ofSeconds(60)));
        })
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertEquals(1, maxInside.get(), "two jobs held the lock at once");
          assertEquals(n, fences.size(), "every job ran exactly once");
          for (int i = 1; i < fences.size(); i++) {
            assertTrue(fences.get(i) > fences.get(i - 1), "fencing tokens " + fences);
          }
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("the handler gets the lock's fencing token, and the lock is released when the job ends")
  void fencingTokenAndRelease(Vertx vertx, VertxTestContext test) {
    List<Long> tokens = new CopyOnWriteArrayList<>();
    JobType fenced = JobType.builder("test.fenced").handler(ctx -> {
      tokens.add(ctx.fencingToken());
      return Future.succeededFuture(new JsonObject());
    });
    start(vertx, 4, fenced)
        .compose(jobs -> jobs.submit(aJob("test.fenced").withLock("k1", "fail").json())
            .compose(s -> jobs.awaitEnd(s.id()))
            .compose(first -> jobs.submit(aJob("test.fenced").withLock("k1", "fail").json()))
            .compose(s -> jobs.awaitEnd(s.id())))
        .onComplete(test.succeeding(second -> test.verify(() -> {
          assertEquals("succeeded", second.getString("status"), "the first job released the lock");
          assertEquals(2, tokens.size());
          assertTrue(tokens.get(1) > tokens.get(0));
          test.completeNow();
        })));
  }
}
