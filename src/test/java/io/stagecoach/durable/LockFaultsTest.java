package io.stagecoach.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.client.JobClient;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.runner.JobType;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.RedisProcess;
import io.stagecoach.testing.TcpProxy;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lock guarantee of SPEC §4 under Redis faults, with engines on a redis-server of the test's
 * own: no two jobs inside one key at once, each for as long as it believes it holds the lock, and
 * fencing tokens growing — across a restart that loses Redis's data, and across a partition between
 * an engine and Redis. Time inside is measured in the handlers: from their start to the moment
 * they are interrupted (told the lock is lost) or return.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Locks under Redis faults")
class LockFaultsTest {
  private static final int TTL_MS = 1_500;

  /** One handler run inside the lock. */
  private static final class Inside {
    final String jobId;
    final long fencingToken;
    final long enteredAt = System.nanoTime();
    volatile long leftAt;

    Inside(String jobId, long fencingToken) {
      this.jobId = jobId;
      this.fencingToken = fencingToken;
    }
  }

  private final String key = "shared-" + UUID.randomUUID();
  private final List<Inside> runs = new CopyOnWriteArrayList<>();
  private final List<TestEngine> engines = new ArrayList<>();
  private RedisProcess redis;
  private TcpProxy proxy;
  private Vertx otherVertx;

  @AfterEach
  void stop(Vertx vertx, VertxTestContext test) {
    if (proxy != null) {
      proxy.restore();
    }
    Future.join(engines.stream().map(TestEngine::stop).toList())
        .eventually(() -> proxy == null ? Future.succeededFuture() : proxy.stop())
        .eventually(() -> otherVertx == null ? Future.succeededFuture() : otherVertx.close())
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.stop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  /**
   * {@code test.hold}: with {@code "hold": true} its first attempt stays inside until interrupted;
   * otherwise it returns at once.
   */
  private JobTypeRegistry types() {
    return new JobTypeRegistry().register(JobType.builder("test.hold").blockingHandler(ctx -> {
      Inside inside = new Inside(ctx.jobId(), ctx.fencingToken());
      runs.add(inside);
      try {
        if (ctx.input().getBoolean("hold", false) && ctx.attempt() == 1) {
          Thread.sleep(60_000);
        }
      } catch (InterruptedException lockLost) {
        // Told to stop: the lock is no longer believed held from here on.
      } finally {
        inside.leftAt = System.nanoTime();
      }
      return new JsonObject();
    }));
  }

  private Future<TestEngine> engine(Vertx vertx, String redisUri) {
    JsonObject config = new JsonObject()
        .put("locks", new JsonObject().put("backend", "redis").put("redisUri", redisUri).put("ttlMs", TTL_MS))
        .put("runner", new JsonObject().put("lockWaitRecheckMs", 200));
    return TestEngine.start(vertx, config, types()).onSuccess(engines::add);
  }

  private JsonObject job(boolean hold) {
    return new JsonObject().put("type", "test.hold").put("input", new JsonObject().put("hold", hold))
        .put("lock", new JsonObject().put("key", key).put("onBusy", "wait"));
  }

  private Future<Inside> inside(Vertx vertx, String jobId) {
    return Await.until(vertx, () -> Future.succeededFuture(runs.stream().filter(r -> r.jobId.equals(jobId)).findFirst()
        .orElse(null)), r -> r != null, Duration.ofSeconds(20));
  }

  private static Future<JsonObject> logs(JobClient jobs, String id) {
    return jobs.logs(id, 0, 200);
  }

  private static boolean says(JsonObject logs, String text) {
    return logs.getJsonArray("items").stream().anyMatch(l -> ((JsonObject) l).getString("message").contains(text));
  }

  /** Runs in order of entry: each entered after the one before had left, with a greater fencing token. */
  private void assertOneAtATime() {
    List<Inside> ordered = new ArrayList<>(runs);
    ordered.sort(Comparator.comparingLong(r -> r.enteredAt));
    for (int i = 1; i < ordered.size(); i++) {
      Inside before = ordered.get(i - 1);
      Inside after = ordered.get(i);
      assertTrue(before.leftAt != 0 && before.leftAt < after.enteredAt, "job " + after.jobId + " entered "
          + (before.leftAt == 0 ? "while " + before.jobId + " was still inside"
              : (before.leftAt - after.enteredAt) / 1_000 + " µs before " + before.jobId + " left"));
      assertTrue(after.fencingToken > before.fencingToken,
          "fencing tokens " + before.fencingToken + " then " + after.fencingToken);
    }
  }

  @Test
  @DisplayName("Redis restarted without its data: the holder stops and records lock_lost, the next job enters only "
      + "after it left, with a greater fencing token")
  void restartWithoutData(Vertx vertx, VertxTestContext test) {
    JobClient jobs = JobClient.create(vertx);
    String[] ids = new String[2];
    RedisProcess.start(vertx)
        .compose(started -> {
          redis = started;
          return engine(vertx, redis.uri());
        })
        .compose(e -> jobs.submit(job(true)))
        .compose(a -> {
          ids[0] = a.id();
          return inside(vertx, a.id());
        })
        .compose(a -> jobs.submit(job(false)))
        .compose(b -> {
          ids[1] = b.id();
          return redis.restartEmpty(vertx);
        })
        .compose(v -> Future.all(jobs.awaitEnd(ids[0]), jobs.awaitEnd(ids[1])))
        .compose(ended -> logs(jobs, ids[0]).map(logs -> {
          test.verify(() -> {
            JsonObject holder = ended.resultAt(0);
            assertEquals("succeeded", holder.getString("status"), holder.encode());
            assertEquals("succeeded", ((JsonObject) ended.resultAt(1)).getString("status"));
            assertEquals(2, holder.getInteger("attempt"), "the first attempt ended when the lock was lost");
            assertTrue(says(logs, "failed: lock_lost"), "the attempt's end was recorded as lock_lost: " + logs);
            assertTrue(!says(logs, "lease of attempt"), "not left to its lease to expire: " + logs);
            assertOneAtATime();
          });
          return logs;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("an engine partitioned from Redis stops its holder before the lock can expire and be granted to "
      + "another engine, and records the attempt as lock_lost")
  void partition(Vertx vertx, VertxTestContext test) {
    otherVertx = Vertx.vertx();
    JobClient partitionedJobs = JobClient.create(vertx);
    JobClient otherJobs = JobClient.create(otherVertx);
    String[] ids = new String[2];
    RedisProcess.start(vertx)
        .compose(started -> {
          redis = started;
          return TcpProxy.start(vertx, "127.0.0.1", redis.port());
        })
        .compose(p -> {
          proxy = p;
          return engine(vertx, "redis://127.0.0.1:" + p.port());
        })
        .compose(e -> engine(otherVertx, redis.uri()))
        .compose(e -> partitionedJobs.submit(job(true)))
        .compose(a -> {
          ids[0] = a.id();
          return inside(vertx, a.id());
        })
        .compose(a -> {
          proxy.partition();
          return otherJobs.submit(job(false));
        })
        .compose(b -> {
          ids[1] = b.id();
          return otherJobs.awaitEnd(b.id());
        })
        .compose(b -> Await.until(vertx, () -> partitionedJobs.get(ids[0]),
            a -> a.getJsonObject("error") != null && "lock_lost".equals(a.getJsonObject("error").getString("code"))))
        .onComplete(test.succeeding(holder -> test.verify(() -> {
          assertNotNull(holder.getJsonObject("error").getString("message"));
          assertEquals(2, runs.size(), "the holder and the other engine's job: " + runs.size());
          assertOneAtATime();
          test.completeNow();
        })));
  }
}
