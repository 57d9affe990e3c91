package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertError;
import static io.stagecoach.api.Rest.assertStatus;
import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.testing.TestEngine;
import io.stagecoach.testing.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tenants are walls: a non-operator sees, submits into and changes only its token's tenant, and
 * another tenant's job is {@code 404} (its existence is not revealed); only an operator names a tenant.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Tenants")
class TenantsApiTest {
  private static final long LATER = 600_000;

  private TestEngine engine;
  private Rest rest;
  private Rest acme;
  private Rest globex;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    TestEngine.start(vertx).onComplete(test.succeeding(e -> {
      engine = e;
      rest = new Rest(e);
      acme = rest.as(Tokens.of("acme", "submitter"));
      globex = rest.as(Tokens.of("globex", "admin"));
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    engine.stop().onComplete(test.succeedingThenComplete());
  }

  static Stream<Arguments> foreignCalls() {
    return Stream.of(
        Arguments.of("GET /jobs/{id}", (Function<String, String>) id -> JOBS + "/" + id, HttpMethod.GET),
        Arguments.of("GET /jobs/{id}?waitMs (a long poll)", (Function<String, String>) id -> JOBS + "/" + id + "?waitMs=5000",
            HttpMethod.GET),
        Arguments.of("GET /jobs/{id}/logs", (Function<String, String>) id -> JOBS + "/" + id + "/logs", HttpMethod.GET),
        Arguments.of("POST /jobs/{id}/cancel", (Function<String, String>) id -> JOBS + "/" + id + "/cancel", HttpMethod.POST),
        Arguments.of("POST /jobs/{id}/retry", (Function<String, String>) id -> JOBS + "/" + id + "/retry", HttpMethod.POST));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("foreignCalls")
  @DisplayName("another tenant's job is 404 not_found to read, log, long-poll, cancel or retry, and stays as it was")
  void foreignJobsAreNotFound(String what, Function<String, String> uri, HttpMethod method, VertxTestContext test) {
    // A failed job, so that retry (as well as cancel) would change it if the wall let the call through.
    acme.submit(aJob("demo.fail").input("failTimes", 5).maxAttempts(1).json())
        .compose(job -> acme.awaitStatus(job.getString("id"), "failed"))
        .compose(failed -> rest.refused(() -> globex.prepare(method, uri.apply(failed.getString("id")))
                .putHeader("If-None-Match", "\"" + failed.getLong("version") + "\"").send())
            .compose(answer -> acme.job(failed.getString("id")).map(after -> {
              test.verify(() -> {
                JsonObject error = assertError(answer, 404, "not_found");
                assertTrue(!error.encode().contains("acme"), "the answer does not reveal the owner: " + error);
                assertEquals(failed, after, what + " by another tenant changed the job");
              });
              return after;
            })))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a queued job of another tenant cannot be cancelled: 404, and it stays queued")
  void foreignCancelOfAQueuedJob(VertxTestContext test) {
    acme.submit(aJob("demo.noop").delayMs(LATER).json())
        .compose(job -> globex.post(JOBS + "/" + job.getString("id") + "/cancel")
            .compose(answer -> acme.job(job.getString("id")).map(after -> {
              test.verify(() -> {
                assertError(answer, 404, "not_found");
                assertEquals("queued", after.getString("status"));
                assertEquals(job, after);
              });
              return after;
            })))
        .onComplete(test.succeedingThenComplete());
  }

  private Future<List<String>> tenantsListedTo(Rest who, String query) {
    return who.get(JOBS + query).map(r -> {
      assertStatus(r, 200);
      return r.bodyAsJsonObject().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("tenant")).sorted().toList();
    });
  }

  @Test
  @DisplayName("a non-operator lists only its own tenant's jobs; an operator lists every tenant's, or one with ?tenant=")
  void listsAreScoped(VertxTestContext test) {
    Future.all(acme.submit(aJob("demo.noop").delayMs(LATER).json()), acme.submit(aJob("demo.noop").delayMs(LATER).json()),
            globex.submit(aJob("demo.noop").delayMs(LATER).json()))
        .compose(v -> Future.all(
            tenantsListedTo(acme, ""),
            tenantsListedTo(rest.as(Tokens.of("globex", "viewer")), ""),
            tenantsListedTo(rest, ""),
            tenantsListedTo(rest, "?tenant=acme"),
            tenantsListedTo(rest.as(Tokens.of("initech", "admin")), "")))
        .onComplete(test.succeeding(lists -> test.verify(() -> {
          assertEquals(List.of("acme", "acme"), lists.resultAt(0));
          assertEquals(List.of("globex"), lists.resultAt(1));
          assertEquals(List.of("acme", "acme", "globex"), lists.resultAt(2));
          assertEquals(List.of("acme", "acme"), lists.resultAt(3));
          assertEquals(List.of(), lists.resultAt(4));
          test.completeNow();
        })));
  }

  static Stream<Arguments> tenantFields() {
    return Stream.of(
        Arguments.of("another tenant in a submission", HttpMethod.POST, JOBS,
            aJob("demo.noop").json().put("tenant", "globex"), "tenant"),
        Arguments.of("its own tenant in a submission", HttpMethod.POST, JOBS,
            aJob("demo.noop").json().put("tenant", "acme"), "tenant"),
        Arguments.of("a tenant in a batch item", HttpMethod.POST, JOBS + "/batch", new JsonObject().put("jobs",
            new JsonArray().add(aJob("demo.noop").json()).add(aJob("demo.noop").json().put("tenant", "globex"))),
            "jobs[1].tenant"),
        Arguments.of("a tenant in a list query", HttpMethod.GET, JOBS + "?tenant=globex", null, "tenant"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tenantFields")
  @DisplayName("a non-operator naming a tenant is 403 forbidden, naming the field, and nothing is created")
  void nonOperatorsCannotNameATenant(String what, HttpMethod method, String uri, JsonObject body, String field,
      VertxTestContext test) {
    rest.refused(() -> body == null ? acme.request(method, uri) : acme.prepare(method, uri).sendJsonObject(body))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          JsonObject error = assertError(r, 403, "forbidden");
          assertEquals(field, error.getJsonObject("details").getString("field"));
          test.completeNow();
        })));
  }

  @ParameterizedTest(name = "GET {0}?tenant=")
  @ValueSource(strings = {"/api/v1/alerts", "/api/v1/audit", "/api/v1/webhooks", JOBS})
  @DisplayName("an admin naming a tenant on a list, even its own, is 403 forbidden naming the field, as on /jobs")
  void adminsCannotNameATenantOnLists(String path, VertxTestContext test) {
    Rest admin = rest.as(Tokens.of("acme", "admin"));
    Future.all(admin.get(path + "?tenant=globex"), admin.get(path + "?tenant=acme"))
        .onComplete(test.succeeding(answers -> test.verify(() -> {
          for (int i = 0; i < 2; i++) {
            JsonObject error = assertError(answers.resultAt(i), 403, "forbidden");
            assertEquals("tenant", error.getJsonObject("details").getString("field"));
          }
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an operator's ?tenant= on /audit lists only that tenant's entries")
  void operatorsNarrowTheAuditToATenant(VertxTestContext test) {
    Future.all(acme.submit(aJob("demo.noop").delayMs(LATER).json()), globex.submit(aJob("demo.noop").delayMs(LATER).json()))
        .compose(v -> Future.all(rest.get("/api/v1/audit?tenant=acme"), rest.get("/api/v1/audit")))
        .onComplete(test.succeeding(answers -> test.verify(() -> {
          List<String> narrowed = tenantsOf(answers.resultAt(0));
          assertEquals(List.of("acme"), narrowed.stream().distinct().toList());
          assertTrue(tenantsOf(answers.resultAt(1)).containsAll(List.of("acme", "globex")));
          test.completeNow();
        })));
  }

  private static List<String> tenantsOf(HttpResponse<Buffer> list) {
    assertStatus(list, 200);
    return list.bodyAsJsonObject().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("tenant")).toList();
  }

  @Test
  @DisplayName("a non-operator's submissions and batches go to its token's tenant")
  void submissionsGoToTheTokensTenant(VertxTestContext test) {
    JsonObject batch = new JsonObject().put("jobs", new JsonArray()
        .add(aJob("demo.noop").delayMs(LATER).json()).add(aJob("demo.noop").delayMs(LATER).json()));
    acme.submit(aJob("demo.noop").delayMs(LATER).json())
        .compose(single -> acme.post(JOBS + "/batch", batch).compose(r -> {
          assertStatus(r, 202);
          JsonArray ids = r.bodyAsJsonObject().getJsonArray("ids");
          return Future.all(rest.job(ids.getString(0)), rest.job(ids.getString(1))).map(jobs -> {
            test.verify(() -> {
              assertEquals("acme", single.getString("tenant"));
              assertEquals("acme", jobs.<JsonObject>resultAt(0).getString("tenant"));
              assertEquals("acme", jobs.<JsonObject>resultAt(1).getString("tenant"));
            });
            return jobs;
          });
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("an operator's tenant field chooses the tenant, whose members then see the job; without one it is the operator's own")
  void operatorsChooseTheTenant(VertxTestContext test) {
    Rest operator = rest.as(Tokens.of("ops", "operator"));
    operator.submit(aJob("demo.noop").delayMs(LATER).json().put("tenant", "acme"))
        .compose(forAcme -> operator.submit(aJob("demo.noop").delayMs(LATER).json())
            .compose(own -> acme.get(JOBS + "/" + forAcme.getString("id")).map(seen -> {
              test.verify(() -> {
                assertEquals("acme", forAcme.getString("tenant"));
                assertEquals("ops", own.getString("tenant"));
                assertStatus(seen, 200);
              });
              return seen;
            })))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("idempotency keys are per tenant: the same key in two tenants makes two jobs, a replay in one returns its own")
  void idempotencyKeysArePerTenant(VertxTestContext test) {
    JsonObject submission = aJob("demo.noop").delayMs(LATER).idempotencyKey("nightly").json();
    acme.submit(submission)
        .compose(a -> globex.post(JOBS, submission).compose(g -> acme.post(JOBS, submission).map(replay -> {
          test.verify(() -> {
            assertStatus(g, 202);
            assertEquals("globex", g.bodyAsJsonObject().getString("tenant"));
            assertStatus(replay, 200);
            assertEquals(a.getString("id"), replay.bodyAsJsonObject().getString("id"));
          });
          return replay;
        })))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a job id that exists in another tenant and one that exists nowhere get the same 404 answer")
  void notFoundLooksTheSame(VertxTestContext test) {
    acme.submit(aJob("demo.noop").delayMs(LATER).json())
        .compose(job -> Future.all(globex.get(JOBS + "/" + job.getString("id")),
            globex.get(JOBS + "/" + java.util.UUID.randomUUID())))
        .onComplete(test.succeeding(answers -> test.verify(() -> {
          HttpResponse<Buffer> foreign = answers.resultAt(0);
          HttpResponse<Buffer> missing = answers.resultAt(1);
          JsonObject a = assertError(foreign, 404, "not_found");
          JsonObject b = assertError(missing, 404, "not_found");
          assertEquals(a.getJsonObject("details"), b.getJsonObject("details"));
          assertEquals(a.getString("message").replaceAll("[0-9a-f-]{36}", "ID"),
              b.getString("message").replaceAll("[0-9a-f-]{36}", "ID"));
          test.completeNow();
        })));
  }
}
