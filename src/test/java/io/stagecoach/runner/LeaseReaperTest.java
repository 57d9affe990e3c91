package io.stagecoach.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.bus.Addresses;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.lock.LocalLockBackend;
import io.stagecoach.lock.LockManagerVerticle;
import io.stagecoach.runner.demo.DemoJobTypes;
import io.stagecoach.store.AttemptStart;
import io.stagecoach.store.memory.MemoryJobStore;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Crash safety: leases")
class LeaseReaperTest {
  private final Clock clock = Clock.systemUTC();
  private final MemoryJobStore store = new MemoryJobStore(clock, 100);

  private Future<String> deployRunner(Vertx vertx) {
    StagecoachConfig config = StagecoachConfig.fromJson(TestEngine.config(
        new JsonObject().put("runner", new JsonObject().put("leaseTtlMs", 300))));
    JobTypeRegistry types = new JobTypeRegistry();
    DemoJobTypes.registerAll(types);
    return vertx.deployVerticle(new LockManagerVerticle(new LocalLockBackend(clock)))
        .compose(v -> vertx.deployVerticle(new JobRunnerVerticle(config, store, types, clock)));
  }

  private Job noop(int maxAttempts) {
    return new Job(JobIds.next(), "demo.noop", "default", clock.instant())
        .input(new JsonObject()).maxAttempts(maxAttempts).timeoutMs(10_000).labels(Map.of()).fingerprint("f");
  }

  /** A runner that claims the job, records the attempt's start and dies: nobody renews this lease. */
  private Future<Void> startedByADeadRunner(Job job, Duration lease) {
    return store.insert(job)
        .compose(v -> store.claimDue("dead-runner", 1, lease))
        .compose(claimed -> store.startAttempts("dead-runner",
            List.of(new AttemptStart(job.id(), clock.instant(), List.of()))))
        .mapEmpty();
  }

  @Test
  @DisplayName("a job whose runner died is queued again once its lease expires, and runs — its attempt counted")
  void requeuesAfterExpiry(Vertx vertx, VertxTestContext test) {
    Job job = noop(3);
    startedByADeadRunner(job, Duration.ofMillis(200))
        .compose(claimed -> deployRunner(vertx))
        .compose(v -> Await.until(vertx, () -> store.get(job.id()), j -> j.status().isTerminal()))
        .compose(done -> store.logs(job.id(), 0, 100).map(logs -> Map.entry(done, logs)))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          Job done = r.getKey();
          assertEquals("succeeded", done.status().wire());
          assertEquals(2, done.attempt(), "the dead runner's attempt counts");
          assertTrue(r.getValue().items().stream().anyMatch(l -> l.message().contains("lease of attempt 1 expired")),
              "the expiry is logged on the job");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a job whose lease expires on its last attempt fails with lease_expired")
  void failsWhenOutOfAttempts(Vertx vertx, VertxTestContext test) {
    Job job = noop(1);
    startedByADeadRunner(job, Duration.ofMillis(100))
        .compose(claimed -> deployRunner(vertx))
        .compose(v -> Await.until(vertx, () -> store.get(job.id()), j -> j.status().isTerminal()))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertEquals("failed", done.status().wire());
          assertEquals("lease_expired", done.error().code());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a job claimed by a runner that died before starting it runs, its one attempt not spent by the claim")
  void givesBackClaimsNotStarted(Vertx vertx, VertxTestContext test) {
    Job job = noop(1);
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> events.add(m.body())).completion()
        .compose(v -> store.insert(job))
        .compose(v -> store.claimDue("dead-runner", 1, Duration.ofMillis(100)))
        .compose(claimed -> deployRunner(vertx))
        .compose(v -> Await.until(vertx, () -> store.get(job.id()), j -> j.status().isTerminal()))
        .compose(done -> store.logs(job.id(), 0, 100).map(logs -> Map.entry(done, logs)))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          Job done = r.getKey();
          assertEquals("succeeded", done.status().wire(), "maxAttempts 1, and it ran: " + r.getValue().items());
          assertEquals(1, done.attempt());
          assertTrue(r.getValue().items().stream().anyMatch(l -> l.message().contains("stopped before it started")),
              "the give-back is logged on the job: " + r.getValue().items());
          assertEquals(List.of("job.queued", "job.started", "job.succeeded"),
              events.stream().filter(e -> job.id().equals(e.getJsonObject("data").getString("id")))
                  .map(e -> e.getString("type")).toList());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a live runner renews its leases: a job outliving several lease TTLs is not taken from it")
  void renewsLeases(Vertx vertx, VertxTestContext test) {
    Job job = new Job(JobIds.next(), "demo.sleep", "default", clock.instant())
        .input(new JsonObject().put("ms", 1200).put("steps", 4)).maxAttempts(1).timeoutMs(10_000)
        .labels(Map.of()).fingerprint("f");
    deployRunner(vertx)
        .compose(v -> store.insert(job))
        .onSuccess(v -> vertx.eventBus().publish(Addresses.RUNNER_WAKE, null))
        .compose(v -> Await.until(vertx, () -> store.get(job.id()), j -> j.status().isTerminal()))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertEquals("succeeded", done.status().wire(), "1.2 s of work under a 300 ms lease");
          assertEquals(1, done.attempt());
          test.completeNow();
        })));
  }
}
