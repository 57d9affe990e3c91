package io.stagecoach.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.Stagecoach;
import io.stagecoach.client.JobClient;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.PgTestSchema;
import io.stagecoach.testing.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("A PostgreSQL outage under load")
class OutageTest {
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
  @DisplayName("the API answers 503 while the database is gone, readiness says so, and every accepted job runs after")
  void outage(Vertx vertx, VertxTestContext test) {
    JobClient jobs = JobClient.create(vertx);
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    JsonObject job = new JsonObject().put("type", "demo.sleep").put("input", new JsonObject().put("ms", 300).put("steps", 3));
    PgTestSchema.create(vertx)
        .compose(s -> {
          schema = s;
          URI pg = URI.create(s.uri().replace("postgresql://", "http://"));
          return TcpProxy.start(vertx, pg.getHost(), pg.getPort());
        })
        .compose(p -> {
          proxy = p;
          return DurableEngine.start(vertx, schema.uriVia("127.0.0.1", p.port()), DurableEngine.concurrency(8),
              new JobTypeRegistry());
        })
        .compose(e -> {
          engine = e;
          return submit(jobs, job, accepted, 20);
        })
        .compose(v -> {
          proxy.cut();
          return jobs.submit(job).map(s -> (Throwable) null).otherwise(e -> e);
        })
        .compose(refused -> {
          test.verify(() -> assertEquals(ErrorCode.UNAVAILABLE, ((StagecoachException) refused).code(),
              "a submission during the outage is refused as unavailable, not lost and not hung"));
          return WebClient.create(vertx).get(engine.httpPort(), "127.0.0.1", "/health/ready").send();
        })
        .compose(ready -> {
          test.verify(() -> {
            assertEquals(503, ready.statusCode());
            assertEquals("unavailable", ready.bodyAsJsonObject().getJsonObject("error").getString("code"));
          });
          proxy.restore();
          // The engine recovers by itself: no restart, no call from the test but more work.
          return Await.until(vertx, () -> jobs.submit(job).map(s -> {
            accepted.add(s.id());
            return true;
          }).otherwise(false), ok -> ok, Duration.ofSeconds(30));
        })
        .compose(v -> submit(jobs, job, accepted, 20))
        .compose(v -> Await.until(vertx, () -> Future.all(accepted.stream().map(jobs::get).toList()),
            all -> all.list().stream().allMatch(j -> "succeeded".equals(((JsonObject) j).getString("status"))),
            Duration.ofSeconds(90)))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          assertTrue(accepted.size() >= 41, "accepted " + accepted.size());
          List<Object> records = all.list();
          assertEquals(accepted.size(), records.size());
          test.completeNow();
        })));
  }

  private static Future<Void> submit(JobClient jobs, JsonObject job, Set<String> accepted, int n) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < n; i++) {
      chain = chain.compose(v -> jobs.submit(job).map(s -> {
        accepted.add(s.id());
        return null;
      }));
    }
    return chain;
  }
}
