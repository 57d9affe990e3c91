package io.stagecoach.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.bus.Addresses;
import io.stagecoach.testing.Await;
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
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /audit}: one entry per mutation through the API, with the caller's subject as actor; roles and tenants. */
@ExtendWith(VertxExtension.class)
class AuditApiTest {
  private static final String SAM = Tokens.aToken().subject("sam").tenant("acme").roles("submitter").sign();
  private static final String RITA = Tokens.aToken().subject("rita").tenant("acme").roles("submitter").sign();
  private static final String ANN = Tokens.aToken().subject("ann").tenant("acme").roles("admin").sign();
  private static final String OLGA = Tokens.aToken().subject("olga").tenant("ops").roles("operator").sign();
  private static final String GUS = Tokens.aToken().subject("gus").tenant("globex").roles("admin").sign();
  private static final String INITECH_SUBMITTER = Tokens.aToken().subject("ian").tenant("initech").roles("submitter").sign();
  private static final String INITECH_VIEWER = Tokens.of("initech", "viewer");
  private static final String URL = "https://93.184.216.34/hooks";
  private static TestEngine engine;
  private static Api api;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext test) {
    TestEngine.start(vertx).onComplete(test.succeeding(started -> {
      engine = started;
      api = new Api(started);
      test.completeNow();
    }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    engine.stop().onComplete(test.succeedingThenComplete());
  }

  private static JsonObject later(String type) {
    return new JsonObject().put("type", type).put("delayMs", 600_000);
  }

  private static JsonObject body(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    return response.statusCode() == 204 ? null : response.bodyAsJsonObject();
  }

  @Test
  @DisplayName("submit, batch, cancel, retry, webhook create/rotate/redeliver/delete and alert ack each write an entry naming the caller")
  void everyMutationKind(Vertx vertx, VertxTestContext test) {
    String[] ids = new String[3];
    api.call(SAM, HttpMethod.POST, "/jobs", later("demo.noop"))
        .compose(submitted -> {
          ids[0] = body(submitted, 202).getString("id");
          return api.call(SAM, HttpMethod.POST, "/jobs/" + ids[0] + "/cancel", null);
        })
        .compose(cancelled -> {
          body(cancelled, 202);
          return api.call(RITA, HttpMethod.POST, "/jobs/" + ids[0] + "/retry", null);
        })
        .compose(retried -> {
          body(retried, 202);
          return api.call(SAM, HttpMethod.POST, "/jobs/batch",
              new JsonObject().put("jobs", new JsonArray().add(later("demo.noop")).add(later("demo.noop"))));
        })
        .compose(batch -> {
          body(batch, 202);
          return api.call(ANN, HttpMethod.POST, "/webhooks", new JsonObject().put("url", URL)
              .put("events", new JsonArray().add("job.*")));
        })
        .compose(created -> {
          ids[1] = body(created, 201).getString("id");
          return api.call(ANN, HttpMethod.POST, "/webhooks/" + ids[1] + "/rotate-secret", null);
        })
        .compose(rotated -> {
          body(rotated, 200);
          return api.call(ANN, HttpMethod.POST, "/webhooks/" + ids[1] + "/ping", null);
        })
        .compose(pinged -> {
          String delivery = body(pinged, 202).getString("id");
          return api.call(ANN, HttpMethod.POST, "/webhooks/" + ids[1] + "/deliveries/" + delivery + "/redeliver", null);
        })
        .compose(redelivered -> {
          body(redelivered, 202);
          return api.call(ANN, HttpMethod.DELETE, "/webhooks/" + ids[1], null);
        })
        .compose(deleted -> {
          body(deleted, 204);
          vertx.eventBus().publish(Addresses.ALERTS_RAISE, new JsonObject().put("tenant", "acme")
              .put("type", "webhook.disabled").put("subject", ids[1]).put("message", "disabled in a test"));
          return Await.until(vertx, () -> api.items(ANN, "/alerts"), alerts -> !alerts.isEmpty());
        })
        .compose(alerts -> {
          ids[2] = alerts.get(0).getString("id");
          return api.call(OLGA, HttpMethod.POST, "/alerts/" + ids[2] + "/ack", null);
        })
        .compose(acked -> {
          body(acked, 200);
          // A mutation that fails writes nothing: the job is queued again, not finished, but this id is unknown.
          return api.call(SAM, HttpMethod.POST, "/jobs/00000000-0000-7000-8000-000000000000/cancel", null);
        })
        .compose(missing -> {
          body(missing, 404);
          return api.items(ANN, "/audit?limit=500");
        })
        .onComplete(test.succeeding(entries -> test.verify(() -> {
          Map<String, List<JsonObject>> byAction = entries.stream()
              .collect(Collectors.groupingBy(e -> e.getString("action")));
          Function<String, JsonObject> only = action -> {
            List<JsonObject> of = byAction.getOrDefault(action, List.of());
            assertEquals(1, of.size(), action + " entries: " + of);
            JsonObject entry = of.get(0);
            assertEquals("acme", entry.getString("tenant"));
            assertNotNull(entry.getString("at"));
            assertNotNull(entry.getString("id"));
            return entry;
          };
          JsonObject submit = only.apply("job.submit");
          assertEquals("sam", submit.getString("actor"));
          assertEquals(ids[0], submit.getString("target"));
          JsonObject cancel = only.apply("job.cancel");
          assertEquals("sam", cancel.getString("actor"));
          assertEquals(ids[0], cancel.getString("target"));
          assertEquals("queued", cancel.getJsonObject("before").getString("status"));
          assertEquals("cancelled", cancel.getJsonObject("after").getString("status"));
          JsonObject retry = only.apply("job.retry");
          assertEquals("rita", retry.getString("actor"));
          assertEquals("cancelled", retry.getJsonObject("before").getString("status"));
          assertEquals("queued", retry.getJsonObject("after").getString("status"));
          JsonObject batch = only.apply("job.submitBatch");
          assertEquals("sam", batch.getString("actor"));
          assertEquals(2, batch.getJsonObject("after").getJsonArray("ids").size());
          for (String action : List.of("webhook.create", "webhook.rotateSecret", "webhook.redeliver", "webhook.delete")) {
            JsonObject entry = only.apply(action);
            assertEquals("ann", entry.getString("actor"), action);
            assertTrue(entry.getString("target").length() == 36, action);
          }
          assertEquals(URL, only.apply("webhook.create").getJsonObject("after").getString("url"));
          assertEquals(URL, only.apply("webhook.delete").getJsonObject("before").getString("url"));
          assertTrue(entries.stream().noneMatch(e -> e.encode().contains("whsec_")), "no secret in the audit log");
          JsonObject ack = only.apply("alert.ack");
          assertEquals("olga", ack.getString("actor"));
          assertEquals(ids[2], ack.getString("target"));
          assertEquals(9, entries.size(), "nothing else, and nothing for the failed cancel: " + entries);
          assertEquals("alert.ack", entries.get(0).getString("action"), "newest first");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("viewers and submitters get 403; an admin reads its own tenant's entries only; an operator reads every tenant's, in pages")
  void rolesAndTenants(VertxTestContext test) {
    String globexJob = new JsonObject().put("type", "demo.noop").put("tenant", "globex").put("delayMs", 600_000).encode();
    api.call(OLGA, HttpMethod.POST, "/jobs", new JsonObject(globexJob))
        .compose(submitted -> {
          body(submitted, 202);
          return api.call(INITECH_SUBMITTER, HttpMethod.POST, "/jobs", later("demo.noop"));
        })
        .compose(submitted -> {
          body(submitted, 202);
          return Future.all(api.call(INITECH_VIEWER, HttpMethod.GET, "/audit", null),
              api.call(INITECH_SUBMITTER, HttpMethod.GET, "/audit", null));
        })
        .compose(forbidden -> {
          for (int i = 0; i < 2; i++) {
            HttpResponse<Buffer> r = forbidden.resultAt(i);
            assertEquals(403, r.statusCode(), r.bodyAsString());
            assertEquals("forbidden", Api.errorCode(r));
          }
          return Future.all(api.items(GUS, "/audit?limit=500"), api.items(OLGA, "/audit?limit=500"),
              api.call(OLGA, HttpMethod.GET, "/audit?limit=1", null), api.call(ANN, HttpMethod.GET, "/audit?cursor=nope", null));
        })
        .onComplete(test.succeeding(views -> test.verify(() -> {
          List<JsonObject> globex = views.resultAt(0);
          assertTrue(globex.stream().allMatch(e -> "globex".equals(e.getString("tenant"))), globex.toString());
          assertTrue(globex.stream().anyMatch(e -> "olga".equals(e.getString("actor"))
              && "job.submit".equals(e.getString("action"))), "the operator's submission is in the job's tenant");
          List<JsonObject> all = views.resultAt(1);
          assertTrue(all.stream().anyMatch(e -> "initech".equals(e.getString("tenant")) && "ian".equals(e.getString("actor"))));
          assertTrue(all.stream().anyMatch(e -> "globex".equals(e.getString("tenant"))));
          JsonObject firstPage = ((HttpResponse<Buffer>) views.resultAt(2)).bodyAsJsonObject();
          assertEquals(1, firstPage.getJsonArray("items").size());
          assertNotNull(firstPage.getString("nextCursor"));
          HttpResponse<Buffer> badCursor = views.resultAt(3);
          assertEquals(400, badCursor.statusCode());
          test.completeNow();
        })));
  }
}
