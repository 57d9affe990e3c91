package io.stagecoach.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.bus.Addresses;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.TestEngine;
import io.stagecoach.testing.Tokens;
import io.stagecoach.runner.JobTypeRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Alerts end to end: raised from real job failures and timeouts, deduplicated, published, listed and acknowledged. */
@ExtendWith(VertxExtension.class)
class AlertsApiTest {
  private static final String OPERATOR = Tokens.aToken().subject("olga").tenant("ops").roles("operator").sign();
  private static TestEngine engine;
  private static Api api;
  /** Every event published since the engine started. */
  private static final List<JsonObject> EVENTS = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext test) {
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> EVENTS.add(m.body())).completion()
        .compose(v -> TestEngine.start(vertx, new JsonObject(), new JobTypeRegistry()))
        .onComplete(test.succeeding(started -> {
          engine = started;
          api = new Api(started);
          test.completeNow();
        }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    engine.stop().onComplete(test.succeedingThenComplete());
  }

  private static String admin(String tenant) {
    return Tokens.aToken().subject("admin-of-" + tenant).tenant(tenant).roles("admin").sign();
  }

  private static List<JsonObject> eventsOf(String tenant, String type) {
    return EVENTS.stream().filter(e -> tenant.equals(e.getString("tenant")) && type.equals(e.getString("type"))).toList();
  }

  private static List<JsonObject> raisedFor(String tenant) {
    return eventsOf(tenant, "alert.raised");
  }

  /** Submits as the operator into {@code tenant}; answers the job id. */
  private static Future<String> submit(String tenant, JsonObject job) {
    return api.call(OPERATOR, HttpMethod.POST, "/jobs", job.put("tenant", tenant)).map(r -> {
      assertEquals(202, r.statusCode(), r.bodyAsString());
      return r.bodyAsJsonObject().getString("id");
    });
  }

  /** Completes when every job of the tenant has failed. */
  private static Future<List<JsonObject>> allFailed(Vertx vertx, String tenant, int count) {
    return Await.until(vertx, () -> api.items(OPERATOR, "/jobs?tenant=" + tenant + "&status=failed&limit=500"),
        jobs -> jobs.size() == count);
  }

  @Test
  @DisplayName("six demo.fail failures in a row of one type raise exactly one job.failing alert, stored and published")
  void failuresInARow(Vertx vertx, VertxTestContext test) {
    String tenant = "failing-co";
    List<Future<String>> submitted = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      submitted.add(submit(tenant, new JsonObject().put("type", "demo.fail").put("maxAttempts", 1)
          .put("input", new JsonObject().put("failTimes", 5))));
    }
    Future.all(submitted)
        // The ops verticle had every job.failed event before this list request reaches it.
        .compose(v -> Await.until(vertx, () -> Future.succeededFuture(eventsOf(tenant, "job.failed")), f -> f.size() == 6))
        .compose(v -> Await.until(vertx, () -> api.items(admin(tenant), "/alerts"), alerts -> !alerts.isEmpty()))
        .onComplete(test.succeeding(alerts -> test.verify(() -> {
          assertEquals(1, alerts.size(), alerts.toString());
          JsonObject alert = alerts.get(0);
          assertEquals("job.failing", alert.getString("type"));
          assertEquals("demo.fail", alert.getString("subject"));
          assertEquals(tenant, alert.getString("tenant"));
          assertFalse(alert.getBoolean("acknowledged"));
          assertTrue(alert.getString("message").contains("3 attempts in a row"), alert.getString("message"));
          List<JsonObject> events = raisedFor(tenant);
          assertEquals(1, events.size(), events.toString());
          assertEquals(alert, events.get(0).getJsonObject("data"));
          assertNotNull(events.get(0).getString("id"));
          assertNotNull(events.get(0).getString("timestamp"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a success between failures starts the count again: two failures, a success, two failures raise nothing")
  void successResets(Vertx vertx, VertxTestContext test) {
    String tenant = "recovering-co";
    JsonObject failing = new JsonObject().put("type", "demo.fail").put("maxAttempts", 1)
        .put("input", new JsonObject().put("failTimes", 5));
    Future<Void> chain = Future.succeededFuture();
    int[] failed = {0};
    for (int i = 0; i < 5; i++) {
      boolean succeeds = i == 2;
      chain = chain.compose(v -> submit(tenant, succeeds
              ? new JsonObject().put("type", "demo.fail").put("input", new JsonObject().put("failTimes", 0))
              : failing.copy()))
          .compose(id -> Await.until(vertx, () -> api.items(OPERATOR, "/jobs?tenant=" + tenant + "&limit=500"),
              jobs -> jobs.stream().allMatch(j -> List.of("failed", "succeeded").contains(j.getString("status")))))
          .mapEmpty();
      failed[0] += succeeds ? 0 : 1;
    }
    chain.compose(v -> api.items(admin(tenant), "/alerts"))
        .onComplete(test.succeeding(alerts -> test.verify(() -> {
          assertEquals(4, failed[0]);
          assertTrue(alerts.isEmpty(), alerts.toString());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a job that runs past its timeoutMs raises one job.timeout alert about that job")
  void timeout(Vertx vertx, VertxTestContext test) {
    String tenant = "slow-co";
    String[] id = new String[1];
    submit(tenant, new JsonObject().put("type", "demo.sleep").put("maxAttempts", 1).put("timeoutMs", 100)
        .put("input", new JsonObject().put("ms", 10_000).put("steps", 1)))
        .compose(jobId -> {
          id[0] = jobId;
          return allFailed(vertx, tenant, 1);
        })
        .compose(jobs -> {
          assertEquals("timeout", jobs.get(0).getJsonObject("error").getString("code"));
          return Await.until(vertx, () -> api.items(admin(tenant), "/alerts"), alerts -> !alerts.isEmpty());
        })
        .onComplete(test.succeeding(alerts -> test.verify(() -> {
          assertEquals(1, alerts.size(), alerts.toString());
          assertEquals("job.timeout", alerts.get(0).getString("type"));
          assertEquals(id[0], alerts.get(0).getString("subject"));
          assertEquals(1, raisedFor(tenant).size());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a webhook.disabled raise goes through the same dedup; admins ack their own (200), another tenant's is 404; viewers and submitters get 403")
  void ackAndRoles(Vertx vertx, VertxTestContext test) {
    String tenant = "hooked-co";
    JsonObject raise = new JsonObject().put("tenant", tenant).put("type", "webhook.disabled")
        .put("subject", "0190d6d8-0000-7000-8000-000000000001").put("message", "webhook disabled: 410 Gone");
    vertx.eventBus().publish(Addresses.ALERTS_RAISE, raise);
    vertx.eventBus().publish(Addresses.ALERTS_RAISE, raise);
    String[] alertId = new String[1];
    Await.until(vertx, () -> api.items(admin(tenant), "/alerts"), alerts -> !alerts.isEmpty())
        .compose(alerts -> {
          alertId[0] = alerts.get(0).getString("id");
          String ack = "/alerts/" + alertId[0] + "/ack";
          return Future.all(List.of(
              api.call(Tokens.of(tenant, "viewer"), HttpMethod.GET, "/alerts", null),
              api.call(Tokens.of(tenant, "submitter"), HttpMethod.POST, ack, null),
              api.call(admin("other-co"), HttpMethod.POST, ack, null),
              api.call(admin(tenant), HttpMethod.POST, "/alerts/00000000-0000-7000-8000-000000000000/ack", null),
              api.call(admin(tenant), HttpMethod.POST, "/alerts/not-an-id/ack", null)));
        })
        .compose(refused -> {
          int[] statuses = {403, 403, 404, 404, 400};
          for (int i = 0; i < statuses.length; i++) {
            HttpResponse<Buffer> r = refused.resultAt(i);
            assertEquals(statuses[i], r.statusCode(), r.bodyAsString());
          }
          return api.call(admin(tenant), HttpMethod.POST, "/alerts/" + alertId[0] + "/ack", null);
        })
        .compose(acked -> {
          assertEquals(200, acked.statusCode(), acked.bodyAsString());
          JsonObject alert = acked.bodyAsJsonObject();
          assertTrue(alert.getBoolean("acknowledged"));
          assertEquals("admin-of-" + tenant, alert.getString("acknowledgedBy"));
          assertNotNull(alert.getString("acknowledgedAt"));
          return Future.all(api.items(admin(tenant), "/alerts"), api.items(admin("other-co"), "/alerts"),
              api.items(OPERATOR, "/alerts?limit=500"));
        })
        .onComplete(test.succeeding(views -> test.verify(() -> {
          List<JsonObject> own = views.resultAt(0);
          assertEquals(1, own.size(), "raised twice, stored once: " + own);
          assertTrue(own.get(0).getBoolean("acknowledged"));
          assertEquals("webhook.disabled", own.get(0).getString("type"));
          List<JsonObject> other = views.resultAt(1);
          assertTrue(other.isEmpty(), other.toString());
          List<JsonObject> all = views.resultAt(2);
          assertTrue(all.stream().anyMatch(a -> alertId[0].equals(a.getString("id"))));
          assertEquals(1, raisedFor(tenant).size());
          assertEquals("webhook.disabled", raisedFor(tenant).get(0).getJsonObject("data").getString("type"));
          test.completeNow();
        })));
  }
}
