package io.stagecoach.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.Stagecoach;
import io.stagecoach.client.JobClient;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.ChildEngine;
import io.stagecoach.testing.PgTestSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Crash safety: an engine process killed with SIGKILL")
class CrashTest {
  private static final int JOBS = 6;
  private Process child;
  private Stagecoach survivor;
  private PgTestSchema schema;

  @AfterEach
  void stop(Vertx vertx, VertxTestContext test) {
    if (child != null) {
      child.destroyForcibly();
    }
    (survivor == null ? Future.<Void>succeededFuture() : survivor.stop())
        .eventually(() -> schema == null ? Future.succeededFuture() : schema.drop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  /**
   * A survivor in this process that serves the API but runs nothing until the other is dead, and
   * the engine to kill in a child process with {@code runner} settings.
   */
  private Future<Void> startEngines(Vertx vertx, JsonObject runner) {
    return PgTestSchema.create(vertx)
        .compose(s -> {
          schema = s;
          return DurableEngine.start(vertx, s.uri(), DurableEngine.concurrency(0), new JobTypeRegistry());
        })
        .compose(engine -> {
          survivor = engine;
          JsonObject childConfig = DurableEngine.config(schema.uri(), new JsonObject().put("runner", runner));
          try {
            Path conf = Files.createTempFile("stagecoach-crash", ".json");
            Files.writeString(conf, childConfig.encodePrettily());
            child = ChildEngine.start(conf, Files.createTempFile("stagecoach-crash", ".log"));
            return Future.succeededFuture();
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
        });
  }

  @Test
  @DisplayName("its running jobs are finished by another process once their leases expire: none lost, attempts counted")
  void killedRunner(Vertx vertx, VertxTestContext test) {
    JobClient jobs = JobClient.create(vertx);
    List<String> ids = new ArrayList<>();
    startEngines(vertx, new JsonObject().put("concurrency", JOBS).put("leaseTtlMs", 1_500))
        .compose(started -> {
          List<Future<Void>> submitted = new ArrayList<>();
          for (int i = 0; i < JOBS; i++) {
            submitted.add(jobs.submit(new JsonObject().put("type", "demo.sleep")
                    .put("input", new JsonObject().put("ms", 2_000).put("steps", 4)))
                .map(s -> {
                  synchronized (ids) {
                    ids.add(s.id());
                  }
                  return null;
                }));
          }
          return Future.all(submitted);
        })
        // Every job's attempt has started in the child, with a lease only the child renews.
        .compose(v -> Await.until(vertx, () -> jobs.list(new JsonObject().put("status", "running")),
            page -> started(page) == JOBS, Duration.ofSeconds(60)))
        .compose(running -> {
          child.destroyForcibly(); // SIGKILL: no shutdown hook, no release, no last write
          return vertx.executeBlocking(() -> child.waitFor());
        })
        .compose(exit -> survivor.addRunner(survivor.config().runner().withConcurrency(JOBS)))
        .compose(v -> Await.until(vertx, () -> jobs.list(new JsonObject().put("status", "succeeded")),
            page -> page.getJsonArray("items").size() == JOBS, Duration.ofSeconds(60)))
        .compose(page -> jobs.logs(ids.get(0), 0, 100).map(logs -> List.of(page, logs)))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          for (Object o : r.get(0).getJsonArray("items")) {
            JsonObject job = (JsonObject) o;
            assertEquals(2, job.getInteger("attempt"), "the killed attempt counts: " + job.encode());
            assertEquals(1.0, job.getDouble("progress"));
          }
          assertTrue(r.get(1).getJsonArray("items").stream()
                  .anyMatch(l -> ((JsonObject) l).getString("message").contains("lease of attempt 1 expired")),
              r.get(1).encode());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("the jobs it had claimed but not started lose no attempt: with maxAttempts 1, only the one running fails")
  void killedWithClaimsNotStarted(Vertx vertx, VertxTestContext test) {
    JobClient jobs = JobClient.create(vertx);
    // One slot, and room for the other jobs claimed ahead of it (runner.prefetch).
    startEngines(vertx, new JsonObject().put("concurrency", 1).put("prefetch", JOBS).put("leaseTtlMs", 1_500))
        .compose(started -> {
          List<Future<?>> submitted = new ArrayList<>();
          for (int i = 0; i < JOBS; i++) {
            submitted.add(jobs.submit(new JsonObject().put("type", "demo.sleep").put("maxAttempts", 1)
                .put("input", new JsonObject().put("ms", 30_000).put("steps", 30))));
          }
          return Future.all(submitted);
        })
        // All claimed by the child, one of them started.
        .compose(v -> Await.until(vertx, () -> jobs.list(new JsonObject().put("status", "running")),
            page -> page.getJsonArray("items").size() == JOBS && started(page) == 1, Duration.ofSeconds(60)))
        .compose(running -> {
          child.destroyForcibly();
          return vertx.executeBlocking(() -> child.waitFor());
        })
        .compose(exit -> survivor.addRunner(survivor.config().runner().withConcurrency(JOBS)))
        // The one that ran has spent its only attempt; the others start again in the survivor.
        .compose(v -> Await.until(vertx, () -> jobs.list(new JsonObject()),
            page -> failed(page) == 1 && started(page) == JOBS - 1, Duration.ofSeconds(60)))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          for (Object o : page.getJsonArray("items")) {
            JsonObject job = (JsonObject) o;
            assertEquals(1, job.getInteger("attempt"), job.encode());
            if ("failed".equals(job.getString("status"))) {
              assertEquals("lease_expired", job.getJsonObject("error").getString("code"), job.encode());
            } else {
              assertEquals("running", job.getString("status"), "given back, then started again: " + job.encode());
            }
          }
          test.completeNow();
        })));
  }

  private static long started(JsonObject page) {
    return page.getJsonArray("items").stream()
        .filter(j -> "running".equals(((JsonObject) j).getString("status")) && ((JsonObject) j).getString("startedAt") != null)
        .count();
  }

  private static long failed(JsonObject page) {
    return page.getJsonArray("items").stream().filter(j -> "failed".equals(((JsonObject) j).getString("status"))).count();
  }
}
