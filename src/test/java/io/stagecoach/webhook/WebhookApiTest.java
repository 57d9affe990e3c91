package io.stagecoach.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.api.ApiVerticle;
import io.stagecoach.job.JobIds;
import io.stagecoach.runner.JobTypeRegistry;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The webhook endpoints: shapes, roles, tenants, and URLs the SSRF guard refuses. */
@ExtendWith(VertxExtension.class)
class WebhookApiTest {
  private static final String ACME_ADMIN = Tokens.aToken().subject("ann").tenant("acme").roles("admin").sign();
  private static final String GLOBEX_ADMIN = Tokens.aToken().subject("gus").tenant("globex").roles("admin").sign();
  private static final String INITECH_ADMIN = Tokens.of("initech", "admin");
  private static final String ACME_SUBMITTER = Tokens.of("acme", "submitter");
  private static final String ACME_VIEWER = Tokens.of("acme", "viewer");
  private static final String OPERATOR = Tokens.of("ops", "operator");
  private static final String URL = "https://93.184.216.34/hooks";
  /** webhooks.maxPerTenant of this engine: more than any tenant but initech uses here. */
  private static final int MAX_PER_TENANT = 5;
  private static TestEngine engine;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext test) {
    JsonObject limited = new JsonObject().put("webhooks", new JsonObject().put("maxPerTenant", MAX_PER_TENANT));
    TestEngine.start(vertx, limited, new JobTypeRegistry()).onComplete(test.succeeding(started -> {
      engine = started;
      test.completeNow();
    }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    engine.stop().onComplete(test.succeedingThenComplete());
  }

  private static Future<HttpResponse<Buffer>> call(String token, HttpMethod method, String path, JsonObject body) {
    var request = engine.anonymousHttp.request(method, ApiVerticle.BASE + path).putHeader("Authorization", "Bearer " + token);
    return body == null ? request.send() : request.sendJsonObject(body);
  }

  private static JsonObject subscription(String url, String... events) {
    return new JsonObject().put("url", url).put("events", new JsonArray(List.of(events))).put("description", "ops alerts");
  }

  @Test
  @DisplayName("an admin creates a webhook (201 with the secret once), then reads, lists and deletes it")
  void lifecycle(VertxTestContext test) {
    String[] id = new String[1];
    call(ACME_ADMIN, HttpMethod.POST, "/webhooks", subscription(URL, "job.failed", "job.*"))
        .compose(created -> {
          assertEquals(201, created.statusCode(), created.bodyAsString());
          JsonObject body = created.bodyAsJsonObject();
          id[0] = body.getString("id");
          assertEquals(ApiVerticle.BASE + "/webhooks/" + id[0], created.getHeader("Location"));
          assertTrue(body.getString("secret").startsWith("whsec_"));
          assertEquals("acme", body.getString("tenant"));
          assertEquals(URL, body.getString("url"));
          assertEquals(new JsonArray().add("job.failed").add("job.*"), body.getJsonArray("events"));
          assertEquals("ops alerts", body.getString("description"));
          assertFalse(body.getBoolean("disabled"));
          assertNotNull(body.getString("createdAt"));
          return call(ACME_ADMIN, HttpMethod.GET, "/webhooks/" + id[0], null);
        })
        .compose(read -> {
          assertEquals(200, read.statusCode());
          assertNull(read.bodyAsJsonObject().getValue("secret"), "the secret is shown once, at creation");
          return call(ACME_ADMIN, HttpMethod.GET, "/webhooks", null);
        })
        .compose(list -> {
          JsonObject page = list.bodyAsJsonObject();
          assertTrue(page.containsKey("nextCursor"));
          assertTrue(page.getJsonArray("items").stream().anyMatch(w -> id[0].equals(((JsonObject) w).getString("id"))));
          assertTrue(page.getJsonArray("items").stream().allMatch(w -> !((JsonObject) w).containsKey("secret")));
          return call(ACME_ADMIN, HttpMethod.DELETE, "/webhooks/" + id[0], null);
        })
        .compose(deleted -> {
          assertEquals(204, deleted.statusCode());
          return call(ACME_ADMIN, HttpMethod.GET, "/webhooks/" + id[0], null);
        })
        .onComplete(test.succeeding(gone -> test.verify(() -> {
          assertEquals(404, gone.statusCode());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("viewers and submitters get 403; another tenant's admin gets 404 on every webhook endpoint; an operator sees all")
  void rolesAndTenants(VertxTestContext test) {
    String[] id = new String[1];
    call(ACME_ADMIN, HttpMethod.POST, "/webhooks", subscription(URL, "job.*"))
        .compose(created -> {
          id[0] = created.bodyAsJsonObject().getString("id");
          return Future.all(List.of(
              call(ACME_VIEWER, HttpMethod.GET, "/webhooks", null),
              call(ACME_SUBMITTER, HttpMethod.POST, "/webhooks", subscription(URL, "job.*")),
              call(ACME_SUBMITTER, HttpMethod.GET, "/webhooks/" + id[0], null),
              call(ACME_VIEWER, HttpMethod.POST, "/webhooks/" + id[0] + "/enable", null)));
        })
        .compose(forbidden -> {
          for (int i = 0; i < 4; i++) {
            HttpResponse<Buffer> r = forbidden.resultAt(i);
            assertEquals(403, r.statusCode(), r.bodyAsString());
            assertEquals("forbidden", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          }
          String w = "/webhooks/" + id[0];
          return Future.all(List.of(
              call(GLOBEX_ADMIN, HttpMethod.GET, w, null),
              call(GLOBEX_ADMIN, HttpMethod.DELETE, w, null),
              call(GLOBEX_ADMIN, HttpMethod.POST, w + "/rotate-secret", null),
              call(GLOBEX_ADMIN, HttpMethod.POST, w + "/enable", null),
              call(GLOBEX_ADMIN, HttpMethod.GET, w + "/deliveries", null),
              call(GLOBEX_ADMIN, HttpMethod.POST, w + "/ping", null),
              call(GLOBEX_ADMIN, HttpMethod.POST, w + "/deliveries/" + id[0] + "/redeliver", null)));
        })
        .compose(hidden -> {
          for (int i = 0; i < 7; i++) {
            HttpResponse<Buffer> r = hidden.resultAt(i);
            assertEquals(404, r.statusCode(), r.bodyAsString());
            assertEquals("not_found", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          }
          return Future.all(call(GLOBEX_ADMIN, HttpMethod.GET, "/webhooks", null),
              call(OPERATOR, HttpMethod.GET, "/webhooks/" + id[0], null),
              call(OPERATOR, HttpMethod.GET, "/webhooks?tenant=acme", null),
              call(ACME_ADMIN, HttpMethod.GET, "/webhooks?tenant=globex", null));
        })
        .onComplete(test.succeeding(views -> test.verify(() -> {
          HttpResponse<Buffer> globexList = views.resultAt(0);
          assertTrue(globexList.bodyAsJsonObject().getJsonArray("items").stream()
              .noneMatch(w -> id[0].equals(((JsonObject) w).getString("id"))));
          HttpResponse<Buffer> operatorRead = views.resultAt(1);
          assertEquals(200, operatorRead.statusCode());
          HttpResponse<Buffer> operatorList = views.resultAt(2);
          assertTrue(operatorList.bodyAsJsonObject().getJsonArray("items").stream()
              .allMatch(w -> "acme".equals(((JsonObject) w).getString("tenant"))));
          HttpResponse<Buffer> adminNamingTenant = views.resultAt(3);
          assertEquals(403, adminNamingTenant.statusCode());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an operator may create a webhook for another tenant; an admin may not name one")
  void tenantField(VertxTestContext test) {
    call(OPERATOR, HttpMethod.POST, "/webhooks", subscription(URL, "job.*").put("tenant", "acme"))
        .compose(created -> {
          assertEquals(201, created.statusCode());
          assertEquals("acme", created.bodyAsJsonObject().getString("tenant"));
          return call(ACME_ADMIN, HttpMethod.POST, "/webhooks", subscription(URL, "job.*").put("tenant", "globex"));
        })
        .onComplete(test.succeeding(refused -> test.verify(() -> {
          assertEquals(403, refused.statusCode());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("bad subscriptions are 400 invalid_input: SSRF targets, bad schemes, credentials, unknown events and fields")
  void invalid(VertxTestContext test) {
    List<JsonObject> bad = List.of(
        subscription("http://169.254.169.254/latest/meta-data/", "job.*"),  // link-local, refused even with allowPrivate
        subscription("http://0.0.0.0:8080/", "job.*"),
        subscription("http://[ff02::1]/", "job.*"),
        subscription("ftp://93.184.216.34/", "job.*"),
        subscription("http://user:pw@93.184.216.34/", "job.*"),
        subscription(URL, "job.exploded"),
        subscription(URL),
        subscription(URL, "job.*").put("secret", "whsec_mine"),
        new JsonObject().put("events", new JsonArray().add("job.*")));
    Future.all(bad.stream().map(body -> call(ACME_ADMIN, HttpMethod.POST, "/webhooks", body)).toList())
        .onComplete(test.succeeding(answers -> test.verify(() -> {
          for (int i = 0; i < bad.size(); i++) {
            HttpResponse<Buffer> r = answers.resultAt(i);
            assertEquals(400, r.statusCode(), bad.get(i) + " → " + r.bodyAsString());
            assertEquals("invalid_input", r.bodyAsJsonObject().getJsonObject("error").getString("code"), r.bodyAsString());
          }
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("enabling an active webhook is a no-op 200 answering it, audited as webhook.enable; an unknown id is 404")
  void enableActive(VertxTestContext test) {
    String[] id = new String[1];
    call(ACME_ADMIN, HttpMethod.POST, "/webhooks", subscription(URL, "job.*"))
        .compose(created -> {
          id[0] = created.bodyAsJsonObject().getString("id");
          return call(ACME_ADMIN, HttpMethod.POST, "/webhooks/" + id[0] + "/enable", null);
        })
        .compose(enabled -> {
          assertEquals(200, enabled.statusCode(), enabled.bodyAsString());
          JsonObject body = enabled.bodyAsJsonObject();
          assertEquals(id[0], body.getString("id"));
          assertFalse(body.getBoolean("disabled"));
          assertNull(body.getValue("secret"));
          return call(ACME_ADMIN, HttpMethod.POST, "/webhooks/" + JobIds.next() + "/enable", null);
        })
        .compose(unknown -> {
          assertEquals(404, unknown.statusCode());
          assertEquals("not_found", unknown.bodyAsJsonObject().getJsonObject("error").getString("code"));
          return call(ACME_ADMIN, HttpMethod.GET, "/audit?limit=500", null);
        })
        .onComplete(test.succeeding(audit -> test.verify(() -> {
          JsonObject entry = audit.bodyAsJsonObject().getJsonArray("items").stream().map(e -> (JsonObject) e)
              .filter(e -> "webhook.enable".equals(e.getString("action")) && id[0].equals(e.getString("target")))
              .findFirst().orElseThrow();
          assertEquals("ann", entry.getString("actor"));
          assertEquals("acme", entry.getString("tenant"));
          assertFalse(entry.getJsonObject("before").getBoolean("disabled"));
          assertFalse(entry.getJsonObject("after").getBoolean("disabled"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a tenant at webhooks.maxPerTenant gets 409 limit_exceeded; deleting one makes room; other tenants are not held back")
  void limitPerTenant(VertxTestContext test) {
    List<Future<HttpResponse<Buffer>>> filling = new ArrayList<>();
    for (int i = 0; i < MAX_PER_TENANT; i++) {
      filling.add(call(INITECH_ADMIN, HttpMethod.POST, "/webhooks", subscription(URL, "job.*")));
    }
    String[] first = new String[1];
    Future.all(filling)
        .compose(filled -> {
          for (Future<HttpResponse<Buffer>> created : filling) {
            assertEquals(201, created.result().statusCode(), created.result().bodyAsString());
          }
          first[0] = filling.get(0).result().bodyAsJsonObject().getString("id");
          return call(INITECH_ADMIN, HttpMethod.POST, "/webhooks", subscription(URL, "job.*"));
        })
        .compose(refused -> {
          assertEquals(409, refused.statusCode(), refused.bodyAsString());
          JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
          assertEquals("limit_exceeded", error.getString("code"));
          assertEquals(MAX_PER_TENANT, error.getJsonObject("details").getInteger("limit"));
          return call(GLOBEX_ADMIN, HttpMethod.POST, "/webhooks", subscription(URL, "job.*"));
        })
        .compose(elsewhere -> {
          assertEquals(201, elsewhere.statusCode());
          return call(INITECH_ADMIN, HttpMethod.DELETE, "/webhooks/" + first[0], null);
        })
        .compose(deleted -> call(INITECH_ADMIN, HttpMethod.POST, "/webhooks", subscription(URL, "job.*")))
        .onComplete(test.succeeding(again -> test.verify(() -> {
          assertEquals(201, again.statusCode(), again.bodyAsString());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("ping answers 202 with a pending delivery, and the deliveries log lists it")
  void pingAndLog(VertxTestContext test) {
    String[] id = new String[1];
    call(ACME_ADMIN, HttpMethod.POST, "/webhooks", subscription("http://127.0.0.1:1/nothing-listens", "job.*"))
        .compose(created -> {
          id[0] = created.bodyAsJsonObject().getString("id");
          return call(ACME_ADMIN, HttpMethod.POST, "/webhooks/" + id[0] + "/ping", null);
        })
        .compose(ping -> {
          assertEquals(202, ping.statusCode());
          assertEquals("webhook.ping", ping.bodyAsJsonObject().getString("eventType"));
          assertEquals("pending", ping.bodyAsJsonObject().getString("status"));
          return call(ACME_ADMIN, HttpMethod.GET, "/webhooks/" + id[0] + "/deliveries", null);
        })
        .onComplete(test.succeeding(log -> test.verify(() -> {
          assertEquals(200, log.statusCode());
          JsonArray items = log.bodyAsJsonObject().getJsonArray("items");
          assertEquals(1, items.size());
          assertEquals(id[0], items.getJsonObject(0).getString("webhookId"));
          test.completeNow();
        })));
  }
}
