package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertError;
import static io.stagecoach.api.Rest.assertStatus;
import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecoach.testing.TestEngine;
import io.stagecoach.testing.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
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

/**
 * The role table (SPEC §9), endpoint by endpoint: each role either gets the endpoint's own answer
 * or {@code 403 forbidden}, with nothing created or changed; no token is {@code 401}; health is open.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Roles")
class RolesApiTest {
  private static final long LATER = 600_000;
  /** Every role set a token can hold, weakest first; "auditor" is a role this version does not know. */
  private static final List<List<String>> ROLE_SETS = List.of(
      List.of("auditor"), List.of("viewer"), List.of("submitter"), List.of("admin"), List.of("operator"));

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

  /**
   * One line of the role table: the endpoint, the least role that may call it, and what it answers
   * such a caller ({@code {id}} is a queued job of the caller's tenant).
   */
  record Endpoint(HttpMethod method, String path, JsonObject body, String leastRole, int allowedStatus) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static final List<Endpoint> TABLE = List.of(
      new Endpoint(HttpMethod.POST, "/api/v1/jobs", aJob("demo.noop").delayMs(LATER).json(), "submitter", 202),
      new Endpoint(HttpMethod.POST, "/api/v1/jobs/batch",
          new JsonObject().put("jobs", new JsonArray().add(aJob("demo.noop").delayMs(LATER).json())), "submitter", 202),
      new Endpoint(HttpMethod.GET, "/api/v1/jobs", null, "viewer", 200),
      new Endpoint(HttpMethod.GET, "/api/v1/jobs/{id}", null, "viewer", 200),
      new Endpoint(HttpMethod.GET, "/api/v1/jobs/{id}/logs", null, "viewer", 200),
      new Endpoint(HttpMethod.POST, "/api/v1/jobs/{id}/cancel", null, "submitter", 202),
      // A queued job cannot be retried: the role lets the call through to the job's own rule.
      new Endpoint(HttpMethod.POST, "/api/v1/jobs/{id}/retry", null, "submitter", 409),
      new Endpoint(HttpMethod.GET, "/api/v1/job-types", null, "viewer", 200));

  private static final List<String> RANKS = List.of("auditor", "viewer", "submitter", "admin", "operator");

  static Stream<Arguments> roleTable() {
    List<Arguments> cases = new ArrayList<>();
    for (Endpoint endpoint : TABLE) {
      for (List<String> roles : ROLE_SETS) {
        boolean allowed = RANKS.indexOf(roles.get(0)) >= RANKS.indexOf(endpoint.leastRole());
        cases.add(Arguments.of(endpoint, roles.get(0), allowed));
      }
    }
    return cases.stream();
  }

  private Future<HttpResponse<Buffer>> call(Rest as, Endpoint endpoint, String jobId) {
    HttpRequest<Buffer> request = as.prepare(endpoint.method(), endpoint.path().replace("{id}", jobId));
    return endpoint.body() == null ? request.send() : request.sendJsonObject(endpoint.body());
  }

  @ParameterizedTest(name = "{0} as {1}: allowed {2}")
  @MethodSource("roleTable")
  @DisplayName("each endpoint answers the roles that include its least role, and is 403 forbidden, changing nothing, to the others")
  void roleTable(Endpoint endpoint, String role, boolean allowed, VertxTestContext test) {
    Rest caller = rest.as(Tokens.of("default", role));
    rest.submit(aJob("demo.noop").delayMs(LATER).json())
        .compose(job -> rest.jobCount().compose(before -> call(caller, endpoint, job.getString("id"))
            .compose(answer -> rest.jobCount().compose(after -> rest.job(job.getString("id")).map(jobAfter -> {
              test.verify(() -> {
                if (allowed) {
                  assertStatus(answer, endpoint.allowedStatus());
                } else {
                  JsonObject error = assertError(answer, 403, "forbidden");
                  assertEquals(endpoint.leastRole(), error.getJsonObject("details").getString("requiredRole"));
                  assertEquals(before, after, "a refused call creates nothing");
                  assertEquals(job, jobAfter, "a refused call changes nothing");
                }
              });
              return jobAfter;
            })))))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("without a token every job endpoint is 401 unauthorized, and nothing is created or changed")
  void anonymousIsUnauthorized(VertxTestContext test) {
    Checkpoint answered = test.checkpoint(TABLE.size());
    rest.submit(aJob("demo.noop").delayMs(LATER).json()).onComplete(test.succeeding(job -> {
      for (Endpoint endpoint : TABLE) {
        rest.refused(() -> call(rest.anonymous(), endpoint, job.getString("id")))
            .compose(answer -> rest.job(job.getString("id")).map(after -> {
              test.verify(() -> {
                TokensApiTest.assertUnauthorized(answer, null);
                assertEquals(job, after, endpoint + " left the job as it was");
              });
              return after;
            }))
            .onComplete(test.succeeding(v -> answered.flag()));
      }
    }));
  }

  @Test
  @DisplayName("health stays open: /health/* and /api/v1/health/* answer without a token")
  void healthIsOpen(VertxTestContext test) {
    Rest anonymous = rest.anonymous();
    Future.all(anonymous.get("/health/live"), anonymous.get("/health/ready"),
            anonymous.get("/api/v1/health/live"), anonymous.get("/api/v1/health/ready"))
        .onComplete(test.succeeding(answers -> test.verify(() -> {
          for (int i = 0; i < 4; i++) {
            assertStatus(answers.resultAt(i), 200);
          }
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an unknown path under /api/v1 is 401 without a token (routes are not probed anonymously), 404 with one")
  void unknownPathsNeedAToken(VertxTestContext test) {
    rest.anonymous().get("/api/v1/nope")
        .compose(anonymous -> rest.get("/api/v1/nope").map(known -> {
          test.verify(() -> {
            TokensApiTest.assertUnauthorized(anonymous, null);
            assertError(known, 404, "not_found");
          });
          return known;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a token holding several roles gets the strongest: viewer plus submitter may submit")
  void strongestRoleCounts(VertxTestContext test) {
    rest.as(Tokens.of("default", "viewer", "submitter")).post(JOBS, aJob("demo.noop").delayMs(LATER).json())
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertStatus(r, 202);
          test.completeNow();
        })));
  }
}
