package io.stagecoach.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.api.ApiVerticle;
import io.stagecoach.bus.Addresses;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.config.WebhookConfig;
import io.stagecoach.job.JobIds;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.PgTestSchema;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real job events delivered by a whole engine to real HTTP receivers, checked with the independent verifier. */
@ExtendWith(VertxExtension.class)
class WebhookDeliveryTest {
  private TestEngine engine;
  /** The schema of a test on PostgreSQL, dropped after it. */
  private PgTestSchema schema;

  @AfterEach
  void stop(Vertx vertx, VertxTestContext test) {
    (engine == null ? Future.<Void>succeededFuture() : engine.stop())
        .compose(v -> schema == null ? Future.<Void>succeededFuture() : schema.drop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  private Future<TestEngine> start(Vertx vertx, JsonObject overrides) {
    return TestEngine.start(vertx, overrides, new JobTypeRegistry()).onSuccess(started -> engine = started);
  }

  /** Subscribes {@code url} to {@code events} as the operator (tenant default); answers the subscription with its secret. */
  private Future<JsonObject> subscribe(String url, String... events) {
    return engine.http.post(ApiVerticle.BASE + "/webhooks")
        .sendJsonObject(new JsonObject().put("url", url).put("events", new JsonArray(List.of(events))))
        .map(response -> {
          assertEquals(201, response.statusCode(), response.bodyAsString());
          return response.bodyAsJsonObject();
        });
  }

  private Future<String> submit(String type, JsonObject input) {
    return engine.http.post(ApiVerticle.BASE + "/jobs")
        .sendJsonObject(new JsonObject().put("type", type).put("input", input))
        .map(response -> {
          assertEquals(202, response.statusCode(), response.bodyAsString());
          return response.bodyAsJsonObject().getString("id");
        });
  }

  /**
   * Starts an engine with {@code overrides}, subscribes {@code receiver} to {@code job.succeeded}
   * and submits one {@code demo.noop} job; completes with the subscription's id.
   */
  private Future<String> oneJobFor(Vertx vertx, Receiver receiver, JsonObject overrides) {
    return start(vertx, overrides)
        .compose(e -> subscribe(receiver.url(), "job.succeeded"))
        .compose(subscription -> submit("demo.noop", new JsonObject()).map(id -> subscription.getString("id")));
  }

  /**
   * A receiver (kept in {@code receiver}) answering with {@code answer} gets one job's
   * {@code job.succeeded} from an engine with {@code overrides}; completes with that delivery once
   * it is {@code status}.
   */
  private Future<JsonObject> oneDelivery(Vertx vertx, Receiver[] receiver, BiConsumer<Integer, HttpServerRequest> answer,
      JsonObject overrides, String status) {
    return Receiver.start(vertx)
        .compose(r -> {
          receiver[0] = r.answering(answer);
          return oneJobFor(vertx, r, overrides);
        })
        .compose(webhookId -> theDelivery(vertx, webhookId, status));
  }

  /** The subscription's one delivery, once it is {@code status}. */
  private Future<JsonObject> theDelivery(Vertx vertx, String webhookId, String status) {
    return Await.until(vertx, () -> deliveries(webhookId),
            items -> items.size() == 1 && status.equals(items.getJsonObject(0).getString("status")))
        .map(items -> items.getJsonObject(0));
  }

  private Future<JsonArray> deliveries(String webhookId) {
    return engine.http.get(ApiVerticle.BASE + "/webhooks/" + webhookId + "/deliveries")
        .send()
        .map(HttpResponse::bodyAsJsonObject)
        .map(page -> page.getJsonArray("items"));
  }

  @Test
  @DisplayName("every event of a job reaches the receiver, signed so that the independent library verifies it")
  void endToEnd(Vertx vertx, VertxTestContext test) {
    Receiver[] receiver = new Receiver[1];
    String[] secret = new String[1];
    String[] jobId = new String[1];
    Receiver.start(vertx)
        .compose(r -> {
          receiver[0] = r;
          return start(vertx, new JsonObject());
        })
        .compose(e -> subscribe(receiver[0].url(), "job.*"))
        .compose(subscription -> {
          secret[0] = subscription.getString("secret");
          return submit("demo.noop", new JsonObject());
        })
        .compose(id -> {
          jobId[0] = id;
          return Await.until(vertx, () -> Future.succeededFuture(receiver[0].ofType("job.succeeded")), l -> !l.isEmpty());
        })
        .onComplete(test.succeeding(done -> test.verify(() -> {
          List<Receiver.Received> all = receiver[0].received();
          Set<String> types = all.stream().map(r -> r.event().getString("type")).collect(Collectors.toSet());
          assertTrue(types.containsAll(Set.of("job.queued", "job.started", "job.succeeded")), types.toString());
          for (Receiver.Received r : all) {
            r.verify(secret[0]);
            JsonObject event = r.event();
            assertEquals(event.getString("id"), r.webhookId(), "webhook-id is the event's id");
            assertEquals("default", event.getString("tenant"));
            assertEquals(jobId[0], event.getJsonObject("data").getString("id"));
            assertEquals("application/json", r.header("content-type"));
            assertEquals("/hooks", r.path());
            assertEquals("127.0.0.1:" + receiver[0].port(), r.host());
          }
          long now = Instant.now().getEpochSecond();
          long timestamp = Long.parseLong(all.get(0).header("webhook-timestamp"));
          assertTrue(Math.abs(now - timestamp) < 60, "webhook-timestamp is unix seconds, now");
          receiver[0].stop();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a receiver that fails and then recovers gets every event, each retry with the same webhook-id and body")
  void failThenRecover(Vertx vertx, VertxTestContext test) {
    Receiver[] receiver = new Receiver[1];
    String[] secret = new String[1];
    String[] webhookId = new String[1];
    Receiver.start(vertx)
        .compose(r -> {
          receiver[0] = r.answering((i, request) -> request.response().setStatusCode(i < 4 ? 503 : 200).end());
          return start(vertx, new JsonObject());
        })
        .compose(e -> subscribe(receiver[0].url(), "job.succeeded", "job.failed", "job.retrying"))
        .compose(subscription -> {
          secret[0] = subscription.getString("secret");
          webhookId[0] = subscription.getString("id");
          return Future.all(submit("demo.noop", new JsonObject()), submit("demo.fail", new JsonObject().put("failTimes", 5)));
        })
        .compose(submitted -> Await.until(vertx, () -> deliveries(webhookId[0]),
            items -> items.size() >= 2 && items.stream().allMatch(d -> "succeeded".equals(((JsonObject) d).getString("status")))))
        .onComplete(test.succeeding(items -> test.verify(() -> {
          List<Receiver.Received> all = receiver[0].received();
          Map<String, String> bodies = new HashMap<>();
          for (Receiver.Received r : all) {
            r.verify(secret[0]);
            String previous = bodies.putIfAbsent(r.webhookId(), r.body());
            if (previous != null) {
              assertEquals(previous, r.body(), "a retry re-sends the same bytes");
            }
          }
          assertEquals(items.size(), bodies.size(), "one webhook-id per delivery, whatever the retries");
          assertTrue(all.size() > bodies.size(), "some deliveries were retried");
          int attempts = items.stream().mapToInt(d -> ((JsonObject) d).getInteger("attemptCount")).sum();
          assertEquals(all.size(), attempts, "every request the receiver saw is in the attempt log");
          JsonObject retried = items.stream().map(d -> (JsonObject) d)
              .filter(d -> d.getInteger("attemptCount") > 1).findFirst().orElseThrow();
          JsonObject first = retried.getJsonArray("attempts").getJsonObject(0);
          assertEquals(503, first.getInteger("statusCode"));
          assertEquals("127.0.0.1:" + receiver[0].port(), first.getString("address"));
          assertTrue(first.getLong("latencyMs") >= 0);
          receiver[0].stop();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a receiver that hangs delays only itself: another endpoint gets every event meanwhile")
  void hangingReceiver(Vertx vertx, VertxTestContext test) {
    Receiver[] hanging = new Receiver[1];
    Receiver[] fast = new Receiver[1];
    long[] started = new long[1];
    Future.all(Receiver.start(vertx), Receiver.start(vertx))
        .compose(both -> {
          hanging[0] = both.<Receiver>resultAt(0).hanging();
          fast[0] = both.resultAt(1);
          return start(vertx, new JsonObject().put("webhooks", new JsonObject()
              .put("requestTimeoutMs", 10_000).put("maxInFlightPerEndpoint", 1)));
        })
        .compose(e -> subscribe(hanging[0].url(), "job.*"))
        .compose(s -> subscribe(fast[0].url(), "job.*"))
        .compose(s -> {
          started[0] = System.nanoTime();
          return Future.all(submit("demo.noop", new JsonObject()), submit("demo.noop", new JsonObject()),
              submit("demo.noop", new JsonObject()));
        })
        .compose(submitted -> Await.until(vertx, () -> Future.succeededFuture(fast[0].ofType("job.succeeded")),
            l -> l.size() == 3))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          long elapsedMs = Duration.ofNanos(System.nanoTime() - started[0]).toMillis();
          assertTrue(elapsedMs < 10_000, "the fast endpoint did not wait for the hanging one's timeout: " + elapsedMs + " ms");
          assertEquals(1, hanging[0].received().size(), "the hanging endpoint has one attempt in flight, the rest wait");
          hanging[0].stop();
          fast[0].stop();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a redirect (to 169.254.169.254) is a failed attempt, never followed, retried until the schedule ends")
  void redirectIsFailure(Vertx vertx, VertxTestContext test) {
    Receiver[] receiver = new Receiver[1];
    oneDelivery(vertx, receiver, (i, request) -> request.response().setStatusCode(302)
            .putHeader("location", "http://169.254.169.254/latest/meta-data/").end(), new JsonObject(), "failed")
        .onComplete(test.succeeding(delivery -> test.verify(() -> {
          assertEquals(4, delivery.getInteger("attemptCount"), "the first attempt and the schedule's three retries");
          for (Object a : delivery.getJsonArray("attempts")) {
            JsonObject attempt = (JsonObject) a;
            assertEquals(302, attempt.getInteger("statusCode"));
            assertTrue(attempt.getString("error").contains("not followed"), attempt.getString("error"));
            assertEquals("127.0.0.1:" + receiver[0].port(), attempt.getString("address"));
          }
          assertEquals(4, receiver[0].received().size());
          assertEquals(1, receiver[0].received().stream().map(Receiver.Received::webhookId).distinct().count());
          receiver[0].stop();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("GET /metrics counts the attempts by outcome: one retrying, then one succeeded")
  void attemptsInMetrics(Vertx vertx, VertxTestContext test) {
    Receiver[] receiver = new Receiver[1];
    oneDelivery(vertx, receiver, (i, request) -> request.response().setStatusCode(i < 1 ? 503 : 204).end(),
            new JsonObject(), "succeeded")
        .compose(delivery -> engine.http.get(ApiVerticle.BASE + "/metrics").send())
        .onComplete(test.succeeding(response -> test.verify(() -> {
          List<String> lines = response.bodyAsString().lines().toList();
          assertTrue(lines.contains("stagecoach_webhook_attempts_seconds_count{outcome=\"retrying\"} 1"), lines.toString());
          assertTrue(lines.contains("stagecoach_webhook_attempts_seconds_count{outcome=\"succeeded\"} 1"));
          receiver[0].stop();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a receiver answering raw bytes with a NUL: the attempt is logged on PostgreSQL, the NUL as U+FFFD")
  void nulInResponse(Vertx vertx, VertxTestContext test) {
    Receiver[] receiver = new Receiver[1];
    PgTestSchema.create(vertx)
        .compose(schema -> {
          this.schema = schema;
          return oneDelivery(vertx, receiver, (i, request) -> request.response().setStatusCode(200).end("ok\u0000done"),
              new JsonObject().put("store", new JsonObject().put("kind", "postgres").put("pgUri", schema.uri())),
              "succeeded");
        })
        .onComplete(test.succeeding(delivery -> test.verify(() -> {
          JsonObject attempt = delivery.getJsonArray("attempts").getJsonObject(0);
          assertEquals("ok\uFFFDdone", attempt.getString("response"));
          receiver[0].stop();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("410 Gone disables the endpoint at once, without retries, and raises alert.raised")
  void goneDisables(Vertx vertx, VertxTestContext test) {
    Receiver[] receiver = new Receiver[1];
    String[] webhookId = new String[1];
    List<JsonObject> alerts = new CopyOnWriteArrayList<>();
    Receiver.start(vertx)
        .compose(r -> {
          receiver[0] = r.answering(410);
          vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> {
            if ("alert.raised".equals(m.body().getString("type"))) {
              alerts.add(m.body());
            }
          });
          return oneJobFor(vertx, receiver[0], new JsonObject());
        })
        .compose(id -> {
          webhookId[0] = id;
          return Await.until(vertx, () -> engine.http.get(ApiVerticle.BASE + "/webhooks/" + id).send()
              .map(HttpResponse::bodyAsJsonObject), w -> w.getBoolean("disabled") && !alerts.isEmpty());
        })
        .compose(webhook -> {
          assertTrue(webhook.getString("disabledReason").contains("410"));
          return deliveries(webhookId[0]);
        })
        .onComplete(test.succeeding(items -> test.verify(() -> {
          assertEquals("failed", items.getJsonObject(0).getString("status"));
          assertEquals(1, items.getJsonObject(0).getInteger("attemptCount"));
          assertEquals(1, receiver[0].received().size());
          JsonObject alert = alerts.get(0);
          assertEquals("default", alert.getString("tenant"));
          assertEquals("webhook.disabled", alert.getJsonObject("data").getString("type"));
          assertEquals(webhookId[0], alert.getJsonObject("data").getString("subject"));
          receiver[0].stop();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an endpoint disabled by 410 Gone and enabled again gets the next job's events; the failed delivery is not resent")
  void enableAfterGone(Vertx vertx, VertxTestContext test) {
    Receiver[] receiver = new Receiver[1];
    String[] secret = new String[1];
    String[] webhookId = new String[1];
    String[] nextJob = new String[1];
    Receiver.start(vertx)
        .compose(r -> {
          receiver[0] = r.answering((i, request) -> request.response().setStatusCode(i == 0 ? 410 : 204).end());
          return start(vertx, new JsonObject());
        })
        .compose(e -> subscribe(receiver[0].url(), "job.succeeded"))
        .compose(subscription -> {
          secret[0] = subscription.getString("secret");
          webhookId[0] = subscription.getString("id");
          return submit("demo.noop", new JsonObject());
        })
        .compose(id -> Await.until(vertx, () -> engine.http.get(ApiVerticle.BASE + "/webhooks/" + webhookId[0]).send()
            .map(HttpResponse::bodyAsJsonObject), w -> w.getBoolean("disabled")))
        .compose(disabled -> engine.http.post(ApiVerticle.BASE + "/webhooks/" + webhookId[0] + "/enable").send())
        .compose(enabled -> {
          assertEquals(200, enabled.statusCode(), enabled.bodyAsString());
          JsonObject webhook = enabled.bodyAsJsonObject();
          assertFalse(webhook.getBoolean("disabled"));
          assertNull(webhook.getString("disabledReason"));
          assertNull(webhook.getString("failingSince"));
          return submit("demo.noop", new JsonObject());
        })
        .compose(id -> {
          nextJob[0] = id;
          return Await.until(vertx, () -> deliveries(webhookId[0]),
              items -> items.size() == 2 && "succeeded".equals(items.getJsonObject(0).getString("status")));
        })
        .onComplete(test.succeeding(items -> test.verify(() -> {
          assertEquals("failed", items.getJsonObject(1).getString("status"), "the delivery that met 410 stays failed");
          assertEquals(1, items.getJsonObject(1).getInteger("attemptCount"));
          List<Receiver.Received> received = receiver[0].received();
          assertEquals(2, received.size(), "the 410'd event once, then the next job's");
          Receiver.Received next = received.get(1);
          next.verify(secret[0]);
          assertEquals(nextJob[0], next.event().getJsonObject("data").getString("id"));
          receiver[0].stop();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an endpoint failing for longer than disableAfter is disabled")
  void failingTooLongDisables(Vertx vertx, VertxTestContext test) {
    Receiver[] receiver = new Receiver[1];
    String[] webhookId = new String[1];
    Receiver.start(vertx)
        .compose(r -> {
          receiver[0] = r.answering(500);
          return start(vertx, new JsonObject().put("webhooks", new JsonObject().put("disableAfterMs", 30)));
        })
        .compose(e -> subscribe(receiver[0].url(), "job.succeeded"))
        .compose(subscription -> {
          webhookId[0] = subscription.getString("id");
          return submit("demo.noop", new JsonObject());
        })
        .compose(id -> Await.until(vertx, () -> engine.http.get(ApiVerticle.BASE + "/webhooks/" + webhookId[0]).send()
            .map(HttpResponse::bodyAsJsonObject), w -> w.getBoolean("disabled")))
        .onComplete(test.succeeding(webhook -> test.verify(() -> {
          assertTrue(webhook.getString("disabledReason").startsWith("failing since"), webhook.getString("disabledReason"));
          receiver[0].stop();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("after a rotation a delivery verifies with the old secret and with the new; tampering and staleness do not")
  void rotation(Vertx vertx, VertxTestContext test) {
    Receiver[] receiver = new Receiver[1];
    String[] oldSecret = new String[1];
    String[] newSecret = new String[1];
    String[] webhookId = new String[1];
    Receiver.start(vertx)
        .compose(r -> {
          receiver[0] = r;
          return start(vertx, new JsonObject());
        })
        .compose(e -> subscribe(receiver[0].url(), "job.failed"))
        .compose(subscription -> {
          oldSecret[0] = subscription.getString("secret");
          webhookId[0] = subscription.getString("id");
          return engine.http.post(ApiVerticle.BASE + "/webhooks/" + webhookId[0] + "/rotate-secret").send();
        })
        .compose(rotated -> {
          assertEquals(200, rotated.statusCode());
          newSecret[0] = rotated.bodyAsJsonObject().getString("secret");
          assertNotEquals(oldSecret[0], newSecret[0]);
          return engine.http.post(ApiVerticle.BASE + "/webhooks/" + webhookId[0] + "/ping").send();
        })
        .compose(ping -> {
          assertEquals(202, ping.statusCode());
          return Await.until(vertx, () -> Future.succeededFuture(receiver[0].received()), l -> !l.isEmpty());
        })
        .onComplete(test.succeeding(received -> test.verify(() -> {
          Receiver.Received r = received.get(0);
          assertEquals("webhook.ping", r.event().getString("type"));
          assertEquals(2, r.header("webhook-signature").split(" ").length);
          r.verify(oldSecret[0]);
          r.verify(newSecret[0]);
          assertFalse(r.verifies(Signer.newSecret()));
          Receiver.Received tampered = new Receiver.Received(0, r.path(), r.host(), r.headers(), r.body().replace("webhook.ping", "job.failed"));
          assertFalse(tampered.verifies(newSecret[0]));
          Map<String, List<String>> staleHeaders = new HashMap<>(r.headers());
          long stale = Instant.now().getEpochSecond() - 3600;
          staleHeaders.put("webhook-timestamp", List.of(Long.toString(stale)));
          staleHeaders.put("webhook-signature", List.of(Signer.sign(newSecret[0], r.webhookId(), stale, r.body())));
          Receiver.Received old = new Receiver.Received(0, r.path(), r.host(), staleHeaders, r.body());
          assertThrows(Exception.class, () -> old.verify(newSecret[0]), "a correctly signed but stale delivery is refused");
          receiver[0].stop();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("redelivery sends the event again with the same webhook-id and a fresh signature")
  void redeliver(Vertx vertx, VertxTestContext test) {
    Receiver[] receiver = new Receiver[1];
    String[] secret = new String[1];
    String[] webhookId = new String[1];
    Receiver.start(vertx)
        .compose(r -> {
          receiver[0] = r;
          return start(vertx, new JsonObject());
        })
        .compose(e -> subscribe(receiver[0].url(), "job.succeeded"))
        .compose(subscription -> {
          secret[0] = subscription.getString("secret");
          webhookId[0] = subscription.getString("id");
          return submit("demo.noop", new JsonObject());
        })
        .compose(id -> Await.until(vertx, () -> deliveries(webhookId[0]),
            items -> items.size() == 1 && "succeeded".equals(items.getJsonObject(0).getString("status"))))
        .compose(items -> engine.http.post(ApiVerticle.BASE + "/webhooks/" + webhookId[0] + "/deliveries/"
            + items.getJsonObject(0).getString("id") + "/redeliver").send())
        .compose(redelivered -> {
          assertEquals(202, redelivered.statusCode(), redelivered.bodyAsString());
          return Await.until(vertx, () -> Future.succeededFuture(receiver[0].received()), l -> l.size() == 2);
        })
        .onComplete(test.succeeding(received -> test.verify(() -> {
          assertEquals(received.get(0).webhookId(), received.get(1).webhookId());
          assertEquals(received.get(0).body(), received.get(1).body());
          received.get(1).verify(secret[0]);
          receiver[0].stop();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a dispatcher that starts finds the pending deliveries its store kept, and sends them")
  void resumesPending(Vertx vertx, VertxTestContext test) {
    Clock clock = Clock.systemUTC();
    MemoryWebhookStore store = new MemoryWebhookStore(clock);
    WebhookConfig config = StagecoachConfig.fromJson(TestEngine.config(new JsonObject())).webhooks();
    String secret = Signer.newSecret();
    String body = new JsonObject().put("id", "evt-kept").put("type", "job.failed").put("tenant", "acme")
        .put("data", new JsonObject()).encode();
    Receiver.start(vertx).compose(receiver -> {
      Subscription s = new Subscription(JobIds.next(), "acme", receiver.url(), List.of("job.*"), null, clock.instant(),
          null, null, null, secret, null, null);
      Delivery kept = Delivery.pending(JobIds.next(), s, "evt-kept", "job.failed", body, clock.instant(), clock.instant());
      return store.create(s, config.maxPerTenant())
          .compose(v -> store.enqueue(List.of(kept)))
          .compose(v -> vertx.deployVerticle(new WebhookDispatcherVerticle(config, store, clock, new WebhookInterest(store))))
          .compose(id -> Await.until(vertx, () -> Future.succeededFuture(receiver.received()), l -> !l.isEmpty()))
          .compose(received -> store.delivery(kept.id()).map(d -> {
            assertEquals("evt-kept", received.get(0).webhookId());
            assertEquals(body, received.get(0).body());
            return d;
          }))
          .eventually(receiver::stop);
    }).compose(d -> Await.until(vertx, () -> store.delivery(d.id()), x -> x.status() == DeliveryStatus.SUCCEEDED))
        .onComplete(test.succeedingThenComplete());
  }
}
