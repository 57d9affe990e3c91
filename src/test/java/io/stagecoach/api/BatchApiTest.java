package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertError;
import static io.stagecoach.api.Rest.assertInvalidField;
import static io.stagecoach.api.Rest.assertStatus;
import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code POST /api/v1/jobs/batch}: up to 1000 submissions, all or nothing. */
@ExtendWith(VertxExtension.class)
@DisplayName("POST /api/v1/jobs/batch")
class BatchApiTest {
  private static final String BATCH = JOBS + "/batch";
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

  private static JsonObject batch(JsonObject... submissions) {
    return new JsonObject().put("jobs", new JsonArray(List.of((Object[]) submissions)));
  }

  private static JsonObject batchOf(int size) {
    JsonArray jobs = new JsonArray();
    IntStream.range(0, size).forEach(i -> jobs.add(aJob("demo.noop").delayMs(LATER).label("n", "" + i).json()));
    return new JsonObject().put("jobs", jobs);
  }

  @Test
  @DisplayName("a batch is answered 202 with {ids} in submission order, each a job of its own")
  void acceptsABatch(VertxTestContext test) {
    JsonObject body = batch(
        aJob("demo.noop").delayMs(LATER).json(),
        aJob("demo.sleep").input("ms", 10).delayMs(LATER).json(),
        aJob("demo.stages").input("stages", 2).delayMs(LATER).json());
    rest.post(BATCH, body).compose(r -> {
      test.verify(() -> {
        assertStatus(r, 202);
        assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
        assertEquals(Set.of("ids"), r.bodyAsJsonObject().fieldNames());
        assertEquals(3, r.bodyAsJsonObject().getJsonArray("ids").size());
      });
      JsonArray ids = r.bodyAsJsonObject().getJsonArray("ids");
      return Future.all(rest.job(ids.getString(0)), rest.job(ids.getString(1)), rest.job(ids.getString(2)));
    }).onComplete(test.succeeding(jobs -> test.verify(() -> {
      List<String> types = jobs.<JsonObject>list().stream().map(j -> j.getString("type")).toList();
      assertEquals(List.of("demo.noop", "demo.sleep", "demo.stages"), types);
      jobs.<JsonObject>list().forEach(j -> assertEquals("queued", j.getString("status")));
      assertEquals(2, jobs.<JsonObject>resultAt(2).getJsonArray("stages").size(), "stages are planned per entry");
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a batch of exactly 1000 is accepted")
  void acceptsAThousand(VertxTestContext test) {
    rest.post(BATCH, batchOf(1000)).onComplete(test.succeeding(r -> test.verify(() -> {
      assertStatus(r, 202);
      JsonArray ids = r.bodyAsJsonObject().getJsonArray("ids");
      assertEquals(1000, ids.size());
      assertEquals(1000, new HashSet<>(ids.getList()).size(), "every id is distinct");
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a batch of 1001 is 400 invalid_input and creates nothing")
  void refusesMoreThanAThousand(VertxTestContext test) {
    rest.refused(() -> rest.post(BATCH, batchOf(1001))).onComplete(test.succeeding(r -> test.verify(() -> {
      assertInvalidField(r, "jobs");
      test.completeNow();
    })));
  }

  static Stream<Arguments> badBatches() {
    JsonObject good = aJob("demo.noop").json();
    return Stream.of(
        Arguments.of("an unknown top-level field", new JsonObject().put("jobs", new JsonArray().add(good)).put("atomic", true),
            "atomic"),
        Arguments.of("no jobs", new JsonObject(), "jobs"),
        Arguments.of("jobs that are not an array", new JsonObject().put("jobs", good), "jobs"),
        Arguments.of("an empty jobs array", batch(), "jobs"),
        Arguments.of("an entry that is not an object", new JsonObject().put("jobs", new JsonArray().add(good).add("demo.noop")),
            "jobs[1]"),
        Arguments.of("an entry with a bad field", batch(good, good, aJob("demo.noop").json().put("priority", "high")),
            "priority"),
        Arguments.of("an entry with an unknown field", batch(good, aJob("demo.noop").json().put("colour", "red")),
            "colour"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBatches")
  @DisplayName("a bad batch is 400 invalid_input and creates none of its jobs")
  void refusesABadBatch(String what, JsonObject body, String field, VertxTestContext test) {
    rest.refused(() -> rest.post(BATCH, body)).onComplete(test.succeeding(r -> test.verify(() -> {
      assertInvalidField(r, field);
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("an entry with an unknown type is 422 unknown_job_type, names its index, and creates none of the batch")
  void refusesAnUnknownTypeInABatch(VertxTestContext test) {
    JsonObject body = batch(aJob("demo.noop").json(), aJob("demo.noop").json(), aJob("demo.nope").json());
    rest.refused(() -> rest.post(BATCH, body)).onComplete(test.succeeding(r -> test.verify(() -> {
      JsonObject error = assertError(r, 422, "unknown_job_type");
      assertEquals(2, error.getJsonObject("details").getInteger("index"));
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("an entry whose idempotency key conflicts is 409 idempotency_conflict and creates none of the batch")
  void refusesAConflictInABatch(VertxTestContext test) {
    JsonObject keyed = aJob("demo.sleep").input("ms", 10).idempotencyKey("k-9").delayMs(LATER).json();
    JsonObject conflicting = aJob("demo.sleep").input("ms", 99).idempotencyKey("k-9").delayMs(LATER).json();
    rest.submit(keyed)
        .compose(first -> rest.refused(() -> rest.post(BATCH, batch(aJob("demo.noop").json(), conflicting))))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertError(r, 409, "idempotency_conflict");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an entry that replays an idempotency key answers the existing job's id, and only new entries become jobs")
  void replaysInsideABatch(VertxTestContext test) {
    JsonObject keyed = aJob("demo.sleep").input("ms", 10).idempotencyKey("k-7").delayMs(LATER).json();
    rest.submit(keyed).compose(first -> rest.jobCount().compose(before ->
        rest.post(BATCH, batch(aJob("demo.noop").delayMs(LATER).json(), keyed)).compose(r -> rest.jobCount().map(after -> {
          test.verify(() -> {
            assertStatus(r, 202);
            JsonArray ids = r.bodyAsJsonObject().getJsonArray("ids");
            assertEquals(2, ids.size());
            assertEquals(first.getString("id"), ids.getString(1));
            assertEquals(before + 1, after, "only the unkeyed entry is a new job");
          });
          return after;
        }))))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("two entries with the same idempotency key and different bodies are 409 idempotency_conflict, creating nothing")
  void refusesAConflictWithinABatch(VertxTestContext test) {
    JsonObject one = aJob("demo.sleep").input("ms", 10).idempotencyKey("k-3").delayMs(LATER).json();
    JsonObject other = aJob("demo.sleep").input("ms", 20).idempotencyKey("k-3").delayMs(LATER).json();
    rest.refused(() -> rest.post(BATCH, batch(aJob("demo.noop").json(), one, other)))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertError(r, 409, "idempotency_conflict");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("two entries with the same idempotency key and the same body are one job, named twice in ids")
  void replaysWithinABatch(VertxTestContext test) {
    JsonObject keyed = aJob("demo.sleep").input("ms", 10).idempotencyKey("k-4").delayMs(LATER).json();
    rest.jobCount().compose(before -> rest.post(BATCH, batch(keyed, keyed)).compose(r -> rest.jobCount().map(after -> {
          test.verify(() -> {
            assertStatus(r, 202);
            JsonArray ids = r.bodyAsJsonObject().getJsonArray("ids");
            assertEquals(ids.getString(0), ids.getString(1));
            assertEquals(before + 1, after);
          });
          return after;
        })))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a batch body that is not JSON is 400 invalid_json, one that is an array is 400 invalid_input")
  void refusesABodyThatIsNotAnObject(VertxTestContext test) {
    rest.refused(() -> rest.post(BATCH, "{\"jobs\": ["))
        .compose(r -> {
          test.verify(() -> assertError(r, 400, "invalid_json"));
          return rest.refused(() -> rest.post(BATCH, "[{\"type\":\"demo.noop\"}]"));
        })
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertError(r, 400, "invalid_input");
          test.completeNow();
        })));
  }
}
