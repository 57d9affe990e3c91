package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertError;
import static io.stagecoach.api.Rest.assertInvalidField;
import static io.stagecoach.api.Rest.assertStatus;
import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading one job: {@code GET /jobs/{id}} with ETags and long polls, progress while it runs,
 * {@code GET /jobs/{id}/logs}, and the read-only endpoints beside them (job types, health).
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Reading jobs, logs, job types and health")
class ReadApiTest {
  private static final long LATER = 600_000;

  private TestEngine engine;
  private Rest rest;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    TestEngine.start(vertx).onComplete(test.succeeding(e -> {
      engine = e;
      rest = new Rest(e);
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    engine.stop().onComplete(test.succeedingThenComplete());
  }

  private static String etagOf(JsonObject job) {
    return "\"" + job.getLong("version") + "\"";
  }

  private static long elapsedMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  // ---- GET /jobs/{id} ------------------------------------------------------------------------

  @Test
  @DisplayName("a job is read with 200, its record as JSON and ETag \"<version>\"")
  void readsAJob(VertxTestContext test) {
    rest.submit(aJob("demo.noop").delayMs(LATER).label("project", "24").json())
        .compose(created -> rest.get(JOBS + "/" + created.getString("id")).map(r -> {
          test.verify(() -> {
            assertStatus(r, 200);
            assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
            JsonObject job = r.bodyAsJsonObject();
            assertEquals(created, job);
            assertEquals(etagOf(job), r.getHeader("ETag"));
          });
          return r;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("If-None-Match with the current ETag (alone, weak, in a list, or *) is 304 with no body; a stale one is 200")
  void answersNotModified(VertxTestContext test) {
    List<Function<String, String>> currentTags = List.of(etag -> etag, etag -> "W/" + etag, etag -> "\"999\", " + etag,
        etag -> "*");
    Checkpoint notModified = test.checkpoint(currentTags.size());
    Checkpoint stale = test.checkpoint();
    rest.submit(aJob("demo.noop").delayMs(LATER).json()).onComplete(test.succeeding(job -> {
      String uri = JOBS + "/" + job.getString("id");
      String etag = etagOf(job);
      for (String tag : currentTags.stream().map(t -> t.apply(etag)).toList()) {
        rest.get(uri, tag).onComplete(test.succeeding(r -> test.verify(() -> {
          assertStatus(r, 304);
          assertEquals(etag, r.getHeader("ETag"), "If-None-Match: " + tag);
          assertTrue(r.body() == null || r.body().length() == 0, "a 304 has no body");
          notModified.flag();
        })));
      }
      rest.get(uri, "\"" + (job.getLong("version") + 1) + "\"").onComplete(test.succeeding(r -> test.verify(() -> {
        assertStatus(r, 200);
        assertEquals(job, r.bodyAsJsonObject());
        stale.flag();
      })));
    }));
  }

  @Test
  @DisplayName("a well-formed id that names no job is 404 not_found")
  void answersNotFound(VertxTestContext test) {
    String unknown = UUID.randomUUID().toString();
    rest.get(JOBS + "/" + unknown).onComplete(test.succeeding(r -> test.verify(() -> {
      assertError(r, 404, "not_found");
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "id [{0}]")
  @ValueSource(strings = {"42", "not-a-job", "0192f1a4-0000-7000-8000-00000000000", "0192f1a4-0000-7000-8000-0000000000zz"})
  @DisplayName("a malformed id is 400 invalid_input naming the id")
  void refusesAMalformedId(String id, VertxTestContext test) {
    rest.get(JOBS + "/" + id).onComplete(test.succeeding(r -> test.verify(() -> {
      assertInvalidField(r, "id");
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "waitMs={0}")
  @ValueSource(strings = {"soon", "-1", "1.5"})
  @DisplayName("a malformed waitMs is 400 invalid_input")
  void refusesAMalformedWait(String waitMs, VertxTestContext test) {
    rest.submit(aJob("demo.noop").delayMs(LATER).json())
        .compose(job -> rest.get(JOBS + "/" + job.getString("id") + "?waitMs=" + waitMs, etagOf(job)))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertInvalidField(r, "waitMs");
          test.completeNow();
        })));
  }

  // ---- long polls ----------------------------------------------------------------------------

  @Test
  @DisplayName("a long poll on a running job answers 200 with a newer version as soon as it changes, well before waitMs")
  void longPollReturnsOnChange(VertxTestContext test) {
    long waitMs = 5_000;
    rest.submit(aJob("demo.sleep").input("ms", 1500).input("steps", 10).json())
        .compose(job -> rest.awaitStatus(job.getString("id"), "running"))
        .compose(running -> {
          long started = System.nanoTime();
          return rest.get(JOBS + "/" + running.getString("id") + "?waitMs=" + waitMs, etagOf(running)).map(r -> {
            test.verify(() -> {
              assertStatus(r, 200);
              JsonObject changed = r.bodyAsJsonObject();
              assertTrue(changed.getLong("version") > running.getLong("version"),
                  "newer than " + running.getLong("version") + ": " + changed.getLong("version"));
              assertEquals(etagOf(changed), r.getHeader("ETag"));
              assertTrue(elapsedMs(started) < waitMs, "answered after " + elapsedMs(started) + " ms");
            });
            return r;
          });
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a long poll on a finished job, which will not change again, answers 304 once waitMs pass")
  void longPollOnAFinishedJobIsNotModified(VertxTestContext test) {
    rest.submit(aJob("demo.noop").json())
        .compose(job -> rest.awaitStatus(job.getString("id"), "succeeded"))
        .compose(done -> rest.get(JOBS + "/" + done.getString("id") + "?waitMs=300", etagOf(done)).map(r -> {
          test.verify(() -> {
            assertStatus(r, 304);
            assertEquals(etagOf(done), r.getHeader("ETag"));
          });
          return r;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a long poll with a stale ETag answers 200 at once")
  void longPollWithAStaleTagAnswersAtOnce(VertxTestContext test) {
    rest.submit(aJob("demo.noop").delayMs(LATER).json())
        .compose(job -> {
          long started = System.nanoTime();
          return rest.get(JOBS + "/" + job.getString("id") + "?waitMs=10000", "\"0\"").map(r -> {
            test.verify(() -> {
              assertStatus(r, 200);
              assertEquals(job, r.bodyAsJsonObject());
              assertTrue(elapsedMs(started) < 10_000, "answered after " + elapsedMs(started) + " ms");
            });
            return r;
          });
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a long poll on a waiting job answers with the cancelled record when another client cancels it")
  void longPollSeesACancel(VertxTestContext test) {
    Checkpoint pollAnswered = test.checkpoint();
    Checkpoint cancelAnswered = test.checkpoint();
    rest.submit(aJob("demo.noop").delayMs(LATER).json()).onComplete(test.succeeding(job -> {
      String uri = JOBS + "/" + job.getString("id");
      long started = System.nanoTime();
      rest.get(uri + "?waitMs=20000", etagOf(job)).onComplete(test.succeeding(r -> test.verify(() -> {
        assertStatus(r, 200);
        assertEquals("cancelled", r.bodyAsJsonObject().getString("status"));
        assertTrue(elapsedMs(started) < 20_000, "answered after " + elapsedMs(started) + " ms");
        pollAnswered.flag();
      })));
      rest.post(uri + "/cancel").onComplete(test.succeeding(r -> test.verify(() -> {
        assertStatus(r, 202);
        cancelAnswered.flag();
      })));
    }));
  }

  @Test
  @DisplayName("a long poll on a job that does not exist is 404 not_found at once")
  void longPollOnAnUnknownJob(VertxTestContext test) {
    rest.get(JOBS + "/" + UUID.randomUUID() + "?waitMs=10000", "\"1\"").onComplete(test.succeeding(r -> test.verify(() -> {
      assertError(r, 404, "not_found");
      test.completeNow();
    })));
  }

  // ---- progress ------------------------------------------------------------------------------

  @Test
  @DisplayName("a running job's record shows its stage running with partial progress and a \"Steps done\" param before it ends")
  void showsProgressWhileRunning(VertxTestContext test) {
    rest.submit(aJob("demo.sleep").input("ms", 1500).input("steps", 10).json())
        .compose(job -> rest.awaitJob(job.getString("id"), ReadApiTest::midway))
        .compose(midway -> {
          test.verify(() -> {
            assertEquals("running", midway.getString("status"));
            double progress = midway.getDouble("progress");
            assertTrue(progress > 0 && progress < 1, "job progress " + progress);
            JsonObject stage = midway.getJsonArray("stages").getJsonObject(0);
            assertEquals(progress, stage.getDouble("progress"), 1e-4, "one stage: the job's progress is the stage's");
            assertNotNull(stage.getString("startedAt"));
            assertNull(stage.getValue("finishedAt"));
            JsonObject stepsDone = stage.getJsonArray("params").getJsonObject(0);
            assertEquals("Steps done", stepsDone.getString("name"));
            int steps = stepsDone.getInteger("value");
            assertTrue(steps > 0 && steps < 10, "steps done " + steps);
            assertNotNull(midway.getString("startedAt"));
            assertNull(midway.getValue("finishedAt"));
          });
          return rest.awaitStatus(midway.getString("id"), "succeeded");
        })
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertEquals(1.0, done.getDouble("progress"));
          assertEquals(new JsonObject().put("slept", 1500), done.getJsonObject("result"));
          JsonObject stage = done.getJsonArray("stages").getJsonObject(0);
          assertEquals("succeeded", stage.getString("status"));
          assertEquals(1.0, stage.getDouble("progress"));
          JsonArray params = stage.getJsonArray("params");
          assertEquals(1, params.size(), "setting a param again replaces it: " + params.encode());
          assertEquals(10, params.getJsonObject(0).getInteger("value"));
          assertNotNull(done.getString("finishedAt"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a finished record shows every stage's end: all succeeded with their params, or the failing stage failed and none after it succeeded")
  void showsStagesAtTheEnd(VertxTestContext test) {
    Checkpoint succeeded = test.checkpoint();
    Checkpoint failed = test.checkpoint();
    rest.submit(aJob("demo.stages").input("stages", 3).input("stepMs", 1).json())
        .compose(job -> rest.awaitStatus(job.getString("id"), "succeeded"))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertEquals(1.0, done.getDouble("progress"));
          for (Object o : done.getJsonArray("stages")) {
            JsonObject stage = (JsonObject) o;
            assertEquals("succeeded", stage.getString("status"), stage::encode);
            assertEquals(1.0, stage.getDouble("progress"));
            assertEquals(List.of("total_items", "items_processed"), paramKeys(stage));
            assertEquals(100, stage.getJsonArray("params").getJsonObject(1).getInteger("value"));
          }
          succeeded.flag();
        })));
    rest.submit(aJob("demo.stages").input("stages", 3).input("stepMs", 1).input("failStage", 2).maxAttempts(1).json())
        .compose(job -> rest.awaitStatus(job.getString("id"), "failed"))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertEquals("demo_stage_failed", done.getJsonObject("error").getString("code"));
          assertNull(done.getValue("result"));
          JsonArray stages = done.getJsonArray("stages");
          assertEquals("succeeded", stages.getJsonObject(0).getString("status"));
          assertEquals("failed", stages.getJsonObject(1).getString("status"));
          assertTrue(List.of("pending", "skipped").contains(stages.getJsonObject(2).getString("status")), stages::encode);
          assertTrue(done.getDouble("progress") < 1.0);
          failed.flag();
        })));
  }

  private static List<String> paramKeys(JsonObject stage) {
    return stage.getJsonArray("params").stream().map(p -> ((JsonObject) p).getString("key")).toList();
  }

  /** Running, with the stage part way and a "Steps done" param counting. */
  private static boolean midway(JsonObject job) {
    JsonObject stage = job.getJsonArray("stages").getJsonObject(0);
    double progress = stage.getDouble("progress");
    return "running".equals(job.getString("status"))
        && "running".equals(stage.getString("status"))
        && progress > 0 && progress < 1
        && stage.getJsonArray("params").stream()
            .map(JsonObject.class::cast)
            .anyMatch(p -> "steps_done".equals(p.getString("key")) && p.getInteger("value") > 0);
  }

  // ---- logs ----------------------------------------------------------------------------------

  @Test
  @DisplayName("a job's logs are items with increasing seq, paged by afterSeq and limit")
  void pagesLogs(VertxTestContext test) {
    rest.submit(aJob("demo.stages").input("stages", 3).input("stepMs", 1).json())
        .compose(job -> rest.awaitStatus(job.getString("id"), "succeeded"))
        .compose(done -> {
          String logs = JOBS + "/" + done.getString("id") + "/logs";
          return rest.get(logs).compose(all -> {
            JsonArray items = all.bodyAsJsonObject().getJsonArray("items");
            test.verify(() -> {
              assertStatus(all, 200);
              assertNull(all.bodyAsJsonObject().getValue("nextCursor"), "one page holds them all");
              assertTrue(items.size() >= 4, "an attempt line and one per stage: " + items.encode());
              for (int i = 0; i < items.size(); i++) {
                JsonObject line = items.getJsonObject(i);
                assertEquals(i + 1, line.getLong("seq"), items::encode);
                Instant.parse(line.getString("at"));
                assertNotNull(line.getString("level"));
                assertNotNull(line.getString("message"));
              }
              List<String> messages = items.stream().map(o -> ((JsonObject) o).getString("message")).toList();
              for (int n = 1; n <= 3; n++) {
                int index = messages.indexOf("stage " + n + " started");
                assertTrue(index >= 0, messages::toString);
                assertEquals("stage_" + n, items.getJsonObject(index).getString("stage"));
              }
            });
            return rest.get(logs + "?afterSeq=1").map(after -> {
              test.verify(() -> {
                assertStatus(after, 200);
                JsonArray tail = after.bodyAsJsonObject().getJsonArray("items");
                assertEquals(new JsonArray(items.getList().subList(1, items.size())), tail);
              });
              return items;
            });
          }).compose(items -> readLogsOneByOne(logs, 0, new JsonArray()).map(paged -> {
            test.verify(() -> assertEquals(items, paged, "paging by one line gives the same lines"));
            return paged;
          }));
        })
        .onComplete(test.succeedingThenComplete());
  }

  /** Follows nextCursor with {@code limit=1} until it is null. */
  private Future<JsonArray> readLogsOneByOne(String logs, long afterSeq, JsonArray seen) {
    return rest.get(logs + "?limit=1&afterSeq=" + afterSeq).compose(r -> {
      assertStatus(r, 200);
      JsonObject page = r.bodyAsJsonObject();
      seen.addAll(page.getJsonArray("items"));
      assertTrue(seen.size() < 100, "paging does not end");
      String next = page.getString("nextCursor");
      return next == null ? Future.succeededFuture(seen) : readLogsOneByOne(logs, Long.parseLong(next), seen);
    });
  }

  static Stream<String> badLogQueries() {
    return Stream.of("afterSeq=abc", "afterSeq=-1", "afterSeq=1.5", "limit=0", "limit=1001", "limit=many");
  }

  @ParameterizedTest(name = "?{0}")
  @MethodSource("badLogQueries")
  @DisplayName("a malformed afterSeq or limit on logs is 400 invalid_input naming it")
  void refusesBadLogQueries(String query, VertxTestContext test) {
    rest.submit(aJob("demo.noop").delayMs(LATER).json())
        .compose(job -> rest.get(JOBS + "/" + job.getString("id") + "/logs?" + query))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertInvalidField(r, query.substring(0, query.indexOf('=')));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("logs of a job that does not exist are 404, of a malformed id 400")
  void logsOfAMissingJob(VertxTestContext test) {
    Checkpoint checked = test.checkpoint(2);
    rest.get(JOBS + "/" + UUID.randomUUID() + "/logs").onComplete(test.succeeding(r -> test.verify(() -> {
      assertError(r, 404, "not_found");
      checked.flag();
    })));
    rest.get(JOBS + "/nope/logs").onComplete(test.succeeding(r -> test.verify(() -> {
      assertInvalidField(r, "id");
      checked.flag();
    })));
  }

  // ---- job types and health -----------------------------------------------------------------

  @Test
  @DisplayName("GET /job-types lists the demo types with their declared stages and defaults")
  void listsJobTypes(VertxTestContext test) {
    rest.get("/api/v1/job-types").onComplete(test.succeeding(r -> test.verify(() -> {
      assertStatus(r, 200);
      JsonObject body = r.bodyAsJsonObject();
      assertNull(body.getValue("nextCursor"));
      List<JsonObject> items = body.getJsonArray("items").stream().map(JsonObject.class::cast).toList();
      List<String> names = items.stream().map(t -> t.getString("type")).toList();
      assertTrue(names.containsAll(List.of("demo.noop", "demo.sleep", "demo.fail", "demo.stages")), names::toString);
      JsonObject sleep = items.stream().filter(t -> t.getString("type").equals("demo.sleep")).findFirst().orElseThrow();
      JsonArray stages = sleep.getJsonArray("stages");
      assertEquals(1, stages.size(), stages::encode);
      assertEquals("sleep", stages.getJsonObject(0).getString("key"));
      assertEquals("Sleep", stages.getJsonObject(0).getString("name"));
      assertFalse(sleep.getBoolean("stagesDependOnInput"));
      assertNotNull(sleep.getJsonObject("defaults"));
      JsonObject several = items.stream().filter(t -> t.getString("type").equals("demo.stages")).findFirst().orElseThrow();
      assertTrue(several.getBoolean("stagesDependOnInput"), "demo.stages plans its stages from the input");
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/health/live", "/api/v1/health/live"})
  @DisplayName("liveness answers 200 up")
  void isLive(String path, VertxTestContext test) {
    rest.get(path).onComplete(test.succeeding(r -> test.verify(() -> {
      assertStatus(r, 200);
      assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
      assertEquals("up", r.bodyAsJsonObject().getString("status"));
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/health/ready", "/api/v1/health/ready"})
  @DisplayName("readiness answers 200 up when the store and the lock backend answer")
  void isReady(String path, VertxTestContext test) {
    rest.get(path).onComplete(test.succeeding(r -> test.verify(() -> {
      assertStatus(r, 200);
      JsonObject body = r.bodyAsJsonObject();
      assertEquals("up", body.getString("status"));
      assertEquals(new JsonObject().put("store", "up").put("locks", "up"), body.getJsonObject("checks"));
      test.completeNow();
    })));
  }
}
