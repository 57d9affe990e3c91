package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertError;
import static io.stagecoach.api.Rest.assertInvalidField;
import static io.stagecoach.api.Rest.assertStatus;
import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code POST /api/v1/jobs}: what a submission gets back, idempotent replays, and every way to be refused. */
@ExtendWith(VertxExtension.class)
@DisplayName("POST /api/v1/jobs")
class SubmitApiTest {
  private static final int MAX_BODY_BYTES = 2048;
  private static final String UUID_V7 = "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
  /** Keeps a job queued for the whole test, so its record does not move under the assertions. */
  private static final long LATER = 600_000;

  private TestEngine engine;
  private Rest rest;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    JsonObject overrides = new JsonObject().put("http", new JsonObject().put("maxBodyBytes", MAX_BODY_BYTES));
    TestEngine.start(vertx, overrides, new JobTypeRegistry()).onComplete(test.succeeding(e -> {
      engine = e;
      rest = new Rest(e);
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    engine.stop().onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a submission is answered 202 with a Location, an ETag and the queued record with its planned stages")
  void acceptsASubmission(VertxTestContext test) {
    JsonObject submission = aJob("demo.stages").input("stages", 2).input("stepMs", 5)
        .priority(5).delayMs(LATER).label("project", "24").json();
    rest.post(JOBS, submission).compose(created -> {
      test.verify(() -> {
        assertStatus(created, 202);
        assertTrue(created.getHeader("Content-Type").startsWith("application/json"));
        JsonObject job = created.bodyAsJsonObject();
        String id = job.getString("id");
        assertTrue(id.matches(UUID_V7), "id is a UUIDv7: " + id);
        assertEquals(JOBS + "/" + id, created.getHeader("Location"));
        assertEquals("\"" + job.getLong("version") + "\"", created.getHeader("ETag"));
        assertEquals("demo.stages", job.getString("type"));
        assertEquals("default", job.getString("tenant"));
        assertEquals("queued", job.getString("status"));
        assertEquals(0.0, job.getDouble("progress"));
        assertEquals(5, job.getInteger("priority"));
        assertEquals(submission.getJsonObject("input"), job.getJsonObject("input"));
        assertNull(job.getValue("result"));
        assertNull(job.getValue("error"));
        assertEquals(0, job.getInteger("attempt"));
        assertEquals(3, job.getInteger("maxAttempts"), "the engine's default");
        assertNull(job.getValue("lock"));
        assertNull(job.getValue("idempotencyKey"));
        assertEquals(new JsonObject().put("project", "24"), job.getJsonObject("labels"));
        Instant createdAt = Instant.parse(job.getString("createdAt"));
        Instant runAt = Instant.parse(job.getString("runAt"));
        assertEquals(createdAt.plusMillis(LATER), runAt, "delayMs moves runAt");
        assertNull(job.getValue("startedAt"));
        assertNull(job.getValue("finishedAt"));
        JsonArray stages = job.getJsonArray("stages");
        assertEquals(2, stages.size(), stages::encode);
        for (int i = 0; i < 2; i++) {
          JsonObject stage = stages.getJsonObject(i);
          assertEquals("stage_" + (i + 1), stage.getString("key"));
          assertEquals("Stage " + (i + 1), stage.getString("name"));
          assertEquals("pending", stage.getString("status"));
          assertEquals(0.0, stage.getDouble("progress"));
          assertEquals(new JsonArray(), stage.getJsonArray("params"));
        }
      });
      return rest.get(created.getHeader("Location")).map(read -> {
        test.verify(() -> {
          assertStatus(read, 200);
          assertEquals(created.bodyAsJsonObject(), read.bodyAsJsonObject(), "Location names the record just created");
          assertEquals(created.getHeader("ETag"), read.getHeader("ETag"));
        });
        return read;
      });
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a runAt within a year delays the job to that instant; one further away is 400 invalid_input")
  void acceptsRunAt(VertxTestContext test) {
    String at = "2099-01-01T00:00:00.000Z";
    JsonObject tooFar = aJob("demo.noop").json().put("runAt", at);
    String soon = Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.MILLIS).toString();
    rest.refused(() -> rest.post(JOBS, tooFar))
        .compose(refused -> {
          test.verify(() -> assertInvalidField(refused, "runAt"));
          return rest.submit(aJob("demo.noop").json().put("runAt", soon));
        })
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals(Instant.parse(soon), Instant.parse(job.getString("runAt")));
          assertEquals("queued", job.getString("status"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an Idempotency-Key header makes a repeated submission answer 200 with the same job, also when the key comes in the body")
  void replaysByHeader(VertxTestContext test) {
    JsonObject submission = aJob("demo.sleep").input("ms", 10).delayMs(LATER).json();
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    rest.jobCount().compose(before -> postWithKeyHeader("order-42", submission).onSuccess(answers::add)
            .compose(first -> postWithKeyHeader("order-42", submission)).onSuccess(answers::add)
            .compose(second -> rest.post(JOBS, submission.copy().put("idempotencyKey", "order-42"))).onSuccess(answers::add)
            .compose(third -> rest.jobCount())
            .map(after -> {
              test.verify(() -> {
                HttpResponse<Buffer> first = answers.get(0);
                assertStatus(first, 202);
                String id = first.bodyAsJsonObject().getString("id");
                assertEquals("order-42", first.bodyAsJsonObject().getString("idempotencyKey"));
                for (HttpResponse<Buffer> replay : answers.subList(1, 3)) {
                  assertStatus(replay, 200);
                  assertEquals(id, replay.bodyAsJsonObject().getString("id"));
                  assertEquals(JOBS + "/" + id, replay.getHeader("Location"));
                  assertEquals(first.getHeader("ETag"), replay.getHeader("ETag"));
                }
                assertEquals(before + 1, after, "one job for three submissions");
              });
              return after;
            }))
        .onComplete(test.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> postWithKeyHeader(String key, JsonObject submission) {
    return rest.prepare(HttpMethod.POST, JOBS).putHeader("Idempotency-Key", key).sendJsonObject(submission);
  }

  @Test
  @DisplayName("an idempotencyKey in the body makes a repeated submission answer 200 with the same job")
  void replaysByBodyKey(VertxTestContext test) {
    JsonObject submission = aJob("demo.noop").idempotencyKey("nightly-2026-11-23").json();
    rest.submit(submission)
        .compose(first -> rest.post(JOBS, submission).map(replay -> {
          test.verify(() -> {
            assertStatus(replay, 200);
            assertEquals(first.getString("id"), replay.bodyAsJsonObject().getString("id"));
            assertEquals("nightly-2026-11-23", replay.bodyAsJsonObject().getString("idempotencyKey"));
          });
          return replay;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the same idempotency key with a different body is 409 idempotency_conflict and creates nothing")
  void refusesAConflictingReuseOfAKey(VertxTestContext test) {
    JsonObject first = aJob("demo.sleep").input("ms", 10).idempotencyKey("k-1").delayMs(LATER).json();
    JsonObject other = aJob("demo.sleep").input("ms", 20).delayMs(LATER).json();
    Checkpoint byBody = test.checkpoint();
    Checkpoint byHeader = test.checkpoint();
    Checkpoint firstUntouched = test.checkpoint();
    rest.submit(first).onComplete(test.succeeding(created -> {
      rest.refused(() -> rest.post(JOBS, other.copy().put("idempotencyKey", "k-1")))
          .onComplete(test.succeeding(conflict -> test.verify(() -> {
            assertError(conflict, 409, "idempotency_conflict");
            byBody.flag();
          })));
      rest.refused(() -> postWithKeyHeader("k-1", other))
          .onComplete(test.succeeding(conflict -> test.verify(() -> {
            assertError(conflict, 409, "idempotency_conflict");
            byHeader.flag();
          })));
      rest.job(created.getString("id")).onComplete(test.succeeding(job -> test.verify(() -> {
        assertEquals(created, job, "the first job is untouched");
        firstUntouched.flag();
      })));
    }));
  }

  @Test
  @DisplayName("an Idempotency-Key header that differs from the body's idempotencyKey is 400 invalid_input")
  void refusesHeaderAndBodyKeysThatDiffer(VertxTestContext test) {
    JsonObject submission = aJob("demo.noop").idempotencyKey("from-body").json();
    rest.refused(() -> rest.prepare(HttpMethod.POST, JOBS).putHeader("Idempotency-Key", "from-header")
            .sendJsonObject(submission))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertInvalidField(r, "idempotencyKey");
          test.completeNow();
        })));
  }

  static Stream<Arguments> badSubmissions() {
    return Stream.of(
        Arguments.of("an unknown top-level field", "{\"type\":\"demo.noop\",\"colour\":\"red\"}", "colour"),
        Arguments.of("an unknown field inside lock",
            "{\"type\":\"demo.noop\",\"lock\":{\"key\":\"k\",\"onBusy\":\"wait\",\"colour\":\"red\"}}", "lock.colour"),
        Arguments.of("a lock that is not an object", "{\"type\":\"demo.noop\",\"lock\":\"k\"}", "lock"),
        Arguments.of("an unknown lock.onBusy", "{\"type\":\"demo.noop\",\"lock\":{\"key\":\"k\",\"onBusy\":\"maybe\"}}",
            "lock.onBusy"),
        Arguments.of("no type", "{\"input\":{}}", "type"),
        Arguments.of("a type that is not a string", "{\"type\":7}", "type"),
        Arguments.of("priority \"high\"", "{\"type\":\"demo.noop\",\"priority\":\"high\"}", "priority"),
        Arguments.of("priority 1.5", "{\"type\":\"demo.noop\",\"priority\":1.5}", "priority"),
        Arguments.of("maxAttempts 0", "{\"type\":\"demo.noop\",\"maxAttempts\":0}", "maxAttempts"),
        Arguments.of("timeoutMs 0", "{\"type\":\"demo.noop\",\"timeoutMs\":0}", "timeoutMs"),
        Arguments.of("delayMs -1", "{\"type\":\"demo.noop\",\"delayMs\":-1}", "delayMs"),
        Arguments.of("a runAt that is not ISO-8601", "{\"type\":\"demo.noop\",\"runAt\":\"tomorrow at noon\"}", "runAt"),
        Arguments.of("a runAt that is a number", "{\"type\":\"demo.noop\",\"runAt\":1790000000000}", "runAt"),
        Arguments.of("both runAt and delayMs",
            "{\"type\":\"demo.noop\",\"runAt\":\"2026-11-23T10:00:00Z\",\"delayMs\":1000}", "runAt"),
        Arguments.of("a label that is not a string", "{\"type\":\"demo.noop\",\"labels\":{\"project\":24}}",
            "labels.project"),
        Arguments.of("labels that are not an object", "{\"type\":\"demo.noop\",\"labels\":[\"a\"]}", "labels"),
        Arguments.of("input that is not an object", "{\"type\":\"demo.noop\",\"input\":\"go\"}", "input"),
        Arguments.of("input that is an array", "{\"type\":\"demo.noop\",\"input\":[1]}", "input"),
        Arguments.of("input the job type refuses", "{\"type\":\"demo.sleep\",\"input\":{\"ms\":\"long\"}}", "input.ms"),
        Arguments.of("an idempotencyKey that is not a string", "{\"type\":\"demo.noop\",\"idempotencyKey\":5}",
            "idempotencyKey"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSubmissions")
  @DisplayName("a submission with a bad field is 400 invalid_input naming the field, and creates nothing")
  void refusesABadField(String what, String body, String field, VertxTestContext test) {
    rest.refused(() -> rest.post(JOBS, body)).onComplete(test.succeeding(r -> test.verify(() -> {
      assertInvalidField(r, field);
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a type no one registered is 422 unknown_job_type and creates nothing")
  void refusesAnUnknownType(VertxTestContext test) {
    rest.refused(() -> rest.post(JOBS, aJob("demo.nope").json())).onComplete(test.succeeding(r -> test.verify(() -> {
      JsonObject error = assertError(r, 422, "unknown_job_type");
      assertEquals("demo.nope", error.getJsonObject("details").getString("type"));
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "body [{0}]")
  @MethodSource("notJson")
  @DisplayName("a body that is not JSON is 400 invalid_json and creates nothing")
  void refusesInvalidJson(String body, VertxTestContext test) {
    rest.refused(() -> rest.post(JOBS, body)).onComplete(test.succeeding(r -> test.verify(() -> {
      assertError(r, 400, "invalid_json");
      test.completeNow();
    })));
  }

  static Stream<String> notJson() {
    return Stream.of("{\"type\": \"demo.noop\"", "type=demo.noop", "{'type': 'demo.noop'}", "{\"type\":\"demo.noop\"}}");
  }

  @ParameterizedTest(name = "body [{0}]")
  @MethodSource("notAnObject")
  @DisplayName("a JSON body that is not an object (or no body) is 400 invalid_input and creates nothing")
  void refusesABodyThatIsNotAnObject(String body, VertxTestContext test) {
    rest.refused(() -> rest.post(JOBS, body)).onComplete(test.succeeding(r -> test.verify(() -> {
      assertError(r, 400, "invalid_input");
      test.completeNow();
    })));
  }

  static Stream<String> notAnObject() {
    return Stream.of("[{\"type\":\"demo.noop\"}]", "\"demo.noop\"", "42", "null", "");
  }

  @Test
  @DisplayName("a body over http.maxBodyBytes is 413 payload_too_large and creates nothing; one just under is accepted")
  void refusesATooLargeBody(VertxTestContext test) {
    JsonObject tooLarge = aJob("demo.noop").input("pad", "x".repeat(MAX_BODY_BYTES)).json();
    JsonObject justUnder = aJob("demo.noop").input("pad", "x".repeat(MAX_BODY_BYTES - 100)).json();
    test.verify(() -> assertTrue(justUnder.encode().length() < MAX_BODY_BYTES));
    rest.refused(() -> rest.post(JOBS, tooLarge))
        .compose(r -> {
          test.verify(() -> assertError(r, 413, "payload_too_large"));
          return rest.submit(justUnder);
        })
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertNotNull(job.getString("id"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("two submissions of the same body without a key are two jobs")
  void withoutAKeyEverySubmissionIsAJob(VertxTestContext test) {
    JsonObject submission = aJob("demo.noop").delayMs(LATER).json();
    Future.all(rest.submit(submission), rest.submit(submission)).onComplete(test.succeeding(both -> test.verify(() -> {
      JsonObject a = both.resultAt(0);
      JsonObject b = both.resultAt(1);
      assertNotEquals(a.getString("id"), b.getString("id"));
      test.completeNow();
    })));
  }
}
