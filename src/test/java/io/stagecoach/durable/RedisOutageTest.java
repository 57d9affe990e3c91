package io.stagecoach.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecoach.Stagecoach;
import io.stagecoach.client.JobClient;
import io.stagecoach.runner.JobType;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.PgTestSchema;
import io.stagecoach.testing.Services;
import io.stagecoach.testing.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("A Redis outage")
class RedisOutageTest {
  private PgTestSchema schema;
  private TcpProxy proxy;
  private Stagecoach engine;

  @AfterEach
  void stop(Vertx vertx, VertxTestContext test) {
    (engine == null ? Future.<Void>succeededFuture() : engine.stop())
        .eventually(() -> proxy == null ? Future.succeededFuture() : proxy.stop())
        .eventually(() -> schema == null ? Future.succeededFuture() : schema.drop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a job that needs a lock waits, unrun, while Redis is gone; jobs without locks go on; it runs once Redis is back")
  void lockedJobsWait(Vertx vertx, VertxTestContext test) {
    AtomicInteger handlerRuns = new AtomicInteger();
    JobTypeRegistry types = new JobTypeRegistry().register(JobType.builder("test.locked").handler(ctx -> {
      handlerRuns.incrementAndGet();
      return Future.succeededFuture(new JsonObject().put("fencingToken", ctx.fencingToken()));
    }));
    JobClient jobs = JobClient.create(vertx);
    JsonObject locked = new JsonObject().put("type", "test.locked")
        .put("lock", new JsonObject().put("key", "k-" + UUID.randomUUID()).put("onBusy", "skip"));
    URI redis = URI.create(Services.redis());
    String[] lockedId = new String[1];
    PgTestSchema.create(vertx)
        .compose(s -> {
          schema = s;
          return TcpProxy.start(vertx, redis.getHost(), redis.getPort());
        })
        .compose(p -> {
          proxy = p;
          // A recheck long enough that the test reads the job between two tries, not during one.
          JsonObject viaProxy = new JsonObject()
              .put("locks", new JsonObject().put("redisUri", "redis://127.0.0.1:" + p.port()))
              .put("runner", new JsonObject().put("lockWaitRecheckMs", 3_000));
          return DurableEngine.start(vertx, schema.uri(), viaProxy, types);
        })
        .compose(e -> {
          engine = e;
          proxy.cut();
          return jobs.submit(locked);
        })
        .compose(s -> {
          lockedId[0] = s.id();
          return jobs.submit(new JsonObject().put("type", "demo.noop")).compose(free -> jobs.awaitEnd(free.id()));
        })
        .compose(free -> {
          test.verify(() -> assertEquals("succeeded", free.getString("status"), "work without locks goes on"));
          // The locked job was tried and put back: its log says the lock manager was unavailable.
          return Await.until(vertx, () -> jobs.logs(lockedId[0], 0, 50), logs -> logs.getJsonArray("items").stream()
              .anyMatch(l -> ((JsonObject) l).getString("message").contains("lock manager unavailable")));
        })
        .compose(logs -> jobs.get(lockedId[0]))
        .compose(waiting -> {
          test.verify(() -> {
            assertEquals("queued", waiting.getString("status"));
            assertEquals(0, waiting.getInteger("attempt"), "waiting for the lock uses no attempt");
            assertEquals(0, handlerRuns.get(), "never run without its lock");
          });
          proxy.restore();
          return jobs.awaitEnd(lockedId[0]);
        })
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("succeeded", job.getString("status"));
          assertEquals(1, handlerRuns.get());
          test.completeNow();
        })));
  }
}
