package io.stagecoach.runner;

import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.client.JobClient;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.job.Job;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.lock.LocalLockBackend;
import io.stagecoach.lock.LockManagerVerticle;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.memory.MemoryJobStore;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.EventLog;
import io.stagecoach.testing.Gate;
import io.stagecoach.testing.InterceptedStore;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A runner with a free slot and nothing due takes a submission as it is stored, without a claim. */
@ExtendWith(VertxExtension.class)
@DisplayName("Submissions to an idle runner")
class IdleRunnerTest {
  private final Clock clock = Clock.systemUTC();
  private final MemoryJobStore memory = new MemoryJobStore(clock, 100);
  /** Ids of the jobs the runner claimed from the queue. */
  private final List<String> claimed = new CopyOnWriteArrayList<>();
  /** Claims answered, jobs or none. */
  private final AtomicInteger claims = new AtomicInteger();
  private final Gate gate = new Gate();
  private JobClient jobs;
  private EventLog events;

  private Future<Void> deployIdleRunner(Vertx vertx) {
    return deployIdleRunner(vertx, memory);
  }

  /** One slot, on {@code base}, whose claims are recorded; completes once the runner's first claim found nothing. */
  @SuppressWarnings("unchecked")
  private Future<Void> deployIdleRunner(Vertx vertx, JobStore base) {
    JobTypeRegistry types = new JobTypeRegistry();
    types.register(gate.type("test.gate"));
    StagecoachConfig config = StagecoachConfig.fromJson(TestEngine.config(
        new JsonObject().put("runner", new JsonObject().put("concurrency", 1))));
    JobStore store = InterceptedStore.intercept(base, "claimDue", (args, proceed) ->
        ((Future<List<Job>>) proceed.get()).onSuccess(jobs -> {
          jobs.forEach(job -> claimed.add(job.id()));
          claims.incrementAndGet();
        }));
    jobs = JobClient.create(vertx);
    return EventLog.listen(vertx)
        .compose(log -> {
          events = log;
          return vertx.deployVerticle(new LockManagerVerticle(new LocalLockBackend(clock)));
        })
        .compose(v -> vertx.deployVerticle(new JobRunnerVerticle(config, store, types, clock)))
        .compose(v -> Await.until(vertx, () -> Future.succeededFuture(claims.get()), n -> n >= 1))
        .mapEmpty();
  }

  @Test
  @DisplayName("starts it without a claim; the submitter sees it queued, the events say queued, started, succeeded")
  void takenWithoutClaim(Vertx vertx, VertxTestContext test) {
    gate.open();
    deployIdleRunner(vertx)
        .compose(v -> jobs.submit(aJob("test.gate").json()))
        .compose(submitted -> jobs.awaitEnd(submitted.id()).map(ended -> List.of(submitted.job(), ended)))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          JsonObject answered = both.get(0);
          JsonObject ended = both.get(1);
          String id = answered.getString("id");
          assertEquals("queued", answered.getString("status"));
          assertEquals(1L, answered.getLong("version"));
          assertEquals("succeeded", ended.getString("status"));
          assertEquals(1, ended.getInteger("attempt"));
          assertFalse(claimed.contains(id), "never claimed from the queue");
          assertEquals(List.of("job.queued", "job.started", "job.succeeded"), events.typesOf(id));
          assertEquals("queued", events.of(id).get(0).getJsonObject("data").getString("status"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("queues it while the slot is taken; it is claimed when the slot frees")
  void queuedWhileBusy(Vertx vertx, VertxTestContext test) {
    deployIdleRunner(vertx)
        .compose(v -> jobs.submit(aJob("test.gate").json()))
        .compose(first -> gate.awaitStarted(vertx, 1))
        .compose(v -> jobs.submit(aJob("test.gate").json()))
        .compose(second -> memory.get(second.id()))
        .compose(stored -> {
          assertEquals(JobStatus.QUEUED, stored.status(), "no slot: queued");
          gate.open();
          return jobs.awaitEnd(stored.id());
        })
        .onComplete(test.succeeding(second -> test.verify(() -> {
          assertEquals("succeeded", second.getString("status"));
          assertEquals(List.of(second.getString("id")), claimed, "the second only was claimed");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("queues a job for later, and one with an idempotency key, as usual")
  void delayedAndKeyedQueued(Vertx vertx, VertxTestContext test) {
    gate.open();
    deployIdleRunner(vertx)
        .compose(v -> jobs.submit(aJob("test.gate").delayMs(60_000).json()))
        .compose(delayed -> memory.get(delayed.id()).compose(stored -> {
          assertEquals(JobStatus.QUEUED, stored.status(), "not due: queued");
          return jobs.submit(aJob("test.gate").idempotencyKey("k-1").json());
        }))
        .compose(keyed -> jobs.awaitEnd(keyed.id()).map(keyed))
        .onComplete(test.succeeding(keyed -> test.verify(() -> {
          assertTrue(claimed.contains(keyed.id()), "a keyed job goes through the queue");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("after a wake-up it had no room for, claims the queued job before taking a submission")
  void queuedJobFirst(Vertx vertx, VertxTestContext test) {
    // The runner's look for the next due job never answers: only a claim can find the queued job.
    JobStore noNextRunAt = InterceptedStore.intercept(memory, "nextRunAt", (args, proceed) -> Future.future(p -> { }));
    List<String> ids = new CopyOnWriteArrayList<>();
    deployIdleRunner(vertx, noNextRunAt)
        .compose(v -> jobs.submit(aJob("test.gate").json()))
        .compose(first -> {
          ids.add(first.id());
          return gate.awaitStarted(vertx, 1).compose(v -> jobs.submit(aJob("test.gate").json()));
        })
        .compose(queued -> {
          ids.add(queued.id());
          gate.open();
          return jobs.awaitEnd(ids.get(0));
        })
        .compose(v -> jobs.submit(aJob("test.gate").json()))
        .compose(last -> {
          ids.add(last.id());
          return Future.all(ids.stream().map(jobs::awaitEnd).toList());
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(ids, gate.started(), "the queued job ran before the later submission");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a submission the store fails to insert frees the slot it was given")
  void failedInsertFreesTheSlot(Vertx vertx, VertxTestContext test) {
    AtomicInteger inserts = new AtomicInteger();
    JobStore firstInsertFails = InterceptedStore.intercept(memory, "insertAll", (args, proceed) ->
        inserts.getAndIncrement() == 0
            ? Future.failedFuture(new StagecoachException(ErrorCode.UNAVAILABLE, "the store is down"))
            : proceed.get());
    gate.open();
    deployIdleRunner(vertx, firstInsertFails)
        .compose(v -> jobs.submit(aJob("test.gate").json())
            .transform(ar -> ar.failed() ? jobs.submit(aJob("test.gate").json())
                : Future.failedFuture("the first insert should have failed")))
        .compose(second -> jobs.awaitEnd(second.id()))
        .onComplete(test.succeeding(ended -> test.verify(() -> {
          assertEquals("succeeded", ended.getString("status"));
          assertEquals(List.of(), claimed, "the slot was free: taken directly");
          test.completeNow();
        })));
  }
}
