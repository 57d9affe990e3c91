package io.stagecoach.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.JobStatus;
import io.stagecoach.lock.LocalLockBackend;
import io.stagecoach.lock.LockManagerVerticle;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.memory.MemoryJobStore;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.InterceptedStore;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A slot frees when the handler is done; the end is written (batched) after, the lease held until then. */
@ExtendWith(VertxExtension.class)
@DisplayName("Runner slots")
class SlotReleaseTest {

  /** The real memory store, except that batched writes wait until {@code writes} is completed. */
  private static JobStore withHeldWrites(JobStore store, Future<Void> writes) {
    return InterceptedStore.intercept(store, "writeAll", (args, proceed) -> writes.compose(v -> (Future<?>) proceed.get()));
  }

  private final Clock clock = Clock.systemUTC();
  private final MemoryJobStore memory = new MemoryJobStore(clock, 100);
  /** Completed when the test lets the runner's batched writes through. */
  private final Promise<Void> writes = Promise.promise();
  private final List<String> started = new CopyOnWriteArrayList<>();

  /** Starts a runner with {@code runner} settings on the memory store whose batched writes wait for {@link #writes}. */
  private Future<String> deployRunner(Vertx vertx, JsonObject runner) {
    JobTypeRegistry types = new JobTypeRegistry();
    types.register(JobType.builder("test.quick").handler(ctx -> {
      started.add(ctx.jobId());
      return Future.succeededFuture(new JsonObject());
    }));
    StagecoachConfig config = StagecoachConfig.fromJson(TestEngine.config(new JsonObject().put("runner", runner)));
    return vertx.deployVerticle(new LockManagerVerticle(new LocalLockBackend(clock)))
        .compose(v -> vertx.deployVerticle(new JobRunnerVerticle(config, withHeldWrites(memory, writes.future()), types,
            clock)));
  }

  @Test
  @DisplayName("with one slot, the next job starts while the first one's end is still being written")
  void slotFreesBeforeTheEndIsStored(Vertx vertx, VertxTestContext test) {
    List<Job> jobs = List.of(quick(clock), quick(clock));
    memory.insertAll(jobs)
        .compose(v -> deployRunner(vertx, new JsonObject().put("concurrency", 1)))
        .compose(v -> Await.until(vertx, () -> Future.succeededFuture(started.size()), n -> n == 2))
        .compose(v -> memory.get(jobs.get(0).id()))
        .compose(first -> {
          assertEquals(JobStatus.RUNNING, first.status(), "its end is not stored yet");
          writes.complete();
          return Await.until(vertx, () -> Future.all(memory.get(jobs.get(0).id()), memory.get(jobs.get(1).id())),
              both -> both.<Job>resultAt(0).status() == JobStatus.SUCCEEDED
                  && both.<Job>resultAt(1).status() == JobStatus.SUCCEEDED);
        })
        .onComplete(test.succeedingThenComplete());
  }

  private static Job quick(Clock clock) {
    return new Job(JobIds.next(), "test.quick", "default", clock.instant())
        .input(new JsonObject()).maxAttempts(3).timeoutMs(10_000).labels(Map.of()).fingerprint("f");
  }

  @Test
  @DisplayName("a runner that stops does not abandon finished attempts whose end is not stored yet")
  void stopWaitsForEnds(Vertx vertx, VertxTestContext test) {
    Job job = quick(clock);
    memory.insertAll(List.of(job))
        .compose(v -> deployRunner(vertx, new JsonObject()))
        // The end cannot be written before the runner has stopped (after its grace period): it must
        // not have been abandoned on the way.
        .compose(runner -> Await.until(vertx, () -> Future.succeededFuture(started.size()), n -> n == 1)
            .compose(v -> vertx.undeploy(runner)))
        .compose(v -> {
          writes.complete();
          return Await.until(vertx, () -> memory.get(job.id()), stored -> stored.status() == JobStatus.SUCCEEDED);
        })
        .onComplete(test.succeedingThenComplete());
  }
}
