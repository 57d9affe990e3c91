package io.stagecoach.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.api.ApiVerticle;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.job.JobIds;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.store.pg.PgPools;
import io.stagecoach.webhook.pg.PgWebhookStore;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.ChildEngine;
import io.stagecoach.testing.PgTestSchema;
import io.stagecoach.testing.TestEngine;
import io.stagecoach.testing.Tokens;
import io.stagecoach.Stagecoach;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Transaction;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outbox under a real crash: an engine process stores its jobs' changes with their events,
 * then is killed (SIGKILL) while it cannot yet turn them into deliveries — a test transaction
 * holds the deliveries table locked, so its relay waits inside its own transaction. The events
 * must all reach the receiver once an engine starts again on the same database, each once.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Webhook outbox on PostgreSQL: a crash between the job change and the delivery")
class OutboxCrashTest {
  private static final int JOBS = 5;
  private static final List<String> EVENTS = List.of("job.queued", "job.started", "job.succeeded");

  private Process child;
  private Stagecoach restarted;
  private PgTestSchema schema;
  private Receiver receiver;
  private PgConnection locker;

  @AfterEach
  void stop(Vertx vertx, VertxTestContext test) {
    if (child != null) {
      child.destroyForcibly();
    }
    (locker == null ? Future.<Void>succeededFuture() : locker.close())
        .eventually(() -> restarted == null ? Future.succeededFuture() : restarted.stop())
        .eventually(() -> receiver == null ? Future.succeededFuture() : receiver.stop())
        .eventually(() -> schema == null ? Future.succeededFuture() : schema.drop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("every event committed with its job change is delivered after a restart, once, with its id")
  void deliveredAfterRestart(Vertx vertx, VertxTestContext test) throws Exception {
    int port = freePort();
    String secret = Signer.newSecret();
    WebClient http = WebClient.create(vertx);
    String token = Tokens.operator();
    Path conf = Files.createTempFile("stagecoach-outbox-crash", ".json");
    Path log = Files.createTempFile("stagecoach-outbox-crash", ".log");
    PgTestSchema.create(vertx)
        .compose(s -> {
          schema = s;
          return Receiver.start(vertx);
        })
        .compose(r -> {
          receiver = r;
          // The subscription exists before the engine starts: it wants every job event of tenant "default".
          return PgWebhookStore.create(vertx, schema.uri(), Clock.systemUTC()).compose(store -> store.create(
                  new Subscription(JobIds.next(), "default", receiver.url(), List.of("job.*"), null,
                      Clock.systemUTC().instant(), null, null, null, secret, null, null), 1)
              .eventually(store::close));
        })
        .compose(subscription -> PgConnection.connect(vertx, PgPools.connectOptions(schema.uri(), "outbox-crash-test")))
        .compose(conn -> {
          locker = conn;
          return conn.begin();
        })
        .compose((Transaction tx) -> locker.query("LOCK TABLE stagecoach_webhook_deliveries IN EXCLUSIVE MODE").execute())
        .compose(locked -> {
          try {
            Files.writeString(conf, engineConfig(port).encodePrettily());
            child = ChildEngine.start(conf, log);
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
          return Await.until(vertx, () -> http.get(port, "127.0.0.1", "/health/live").send()
                  .map(response -> response.statusCode()).otherwise(0),
              status -> status == 200, Duration.ofSeconds(60));
        })
        .compose(live -> {
          List<Future<?>> submitted = new ArrayList<>();
          for (int i = 0; i < JOBS; i++) {
            submitted.add(http.post(port, "127.0.0.1", ApiVerticle.BASE + "/jobs").putHeader("Authorization", "Bearer " + token)
                .sendJsonObject(new JsonObject().put("type", "demo.noop"))
                .map(response -> {
                  assertEquals(202, response.statusCode(), response.bodyAsString());
                  return null;
                }));
          }
          return Future.all(submitted);
        })
        // Every job finished in the child, and every event it announced waits in the outbox.
        .compose(v -> Await.until(vertx, () -> schema.sql(
                "SELECT (SELECT count(*) FROM stagecoach_jobs WHERE status = 'succeeded') AS done,"
                    + " (SELECT count(*) FROM stagecoach_outbox) AS waiting", vertx).map(rows -> rows.iterator().next()),
            row -> row.getLong("done") == JOBS && row.getLong("waiting") == JOBS * EVENTS.size(), Duration.ofSeconds(60)))
        .compose(ready -> {
          child.destroyForcibly(); // SIGKILL: its relay transaction dies with it
          return vertx.executeBlocking(() -> child.waitFor());
        })
        .compose(exit -> {
          assertTrue(receiver.received().isEmpty(), "nothing could be delivered before the crash");
          return locker.close();
        })
        .compose(unlocked -> {
          locker = null;
          JsonObject config = TestEngine.config(new JsonObject()
              .put("store", new JsonObject().put("kind", "postgres").put("pgUri", schema.uri())));
          return Stagecoach.deploy(vertx, StagecoachConfig.fromJson(config), new JobTypeRegistry());
        })
        .compose(engine -> {
          restarted = engine;
          return Await.until(vertx, () -> Future.succeededFuture(receiver.received()),
              received -> received.size() >= JOBS * EVENTS.size(), Duration.ofSeconds(30));
        })
        // A little longer: a duplicate would arrive now.
        .compose(received -> Await.until(vertx, () -> schema.sql(
                "SELECT count(*) AS waiting FROM stagecoach_outbox", vertx).map(rows -> rows.iterator().next()),
            row -> row.getLong("waiting") == 0, Duration.ofSeconds(10)))
        .onComplete(test.succeeding(empty -> test.verify(() -> {
          List<Receiver.Received> received = receiver.received();
          assertEquals(JOBS * EVENTS.size(), received.size(), "each event delivered once");
          Set<String> ids = new HashSet<>();
          Set<String> jobEvents = new HashSet<>();
          for (Receiver.Received request : received) {
            request.verify(secret);
            JsonObject event = request.event();
            assertEquals(event.getString("id"), request.webhookId());
            ids.add(request.webhookId());
            jobEvents.add(event.getJsonObject("data").getString("id") + " " + event.getString("type"));
          }
          assertEquals(JOBS * EVENTS.size(), ids.size(), "no event twice");
          assertEquals(JOBS * EVENTS.size(), jobEvents.size(), "every job's queued, started and succeeded");
          assertTrue(jobEvents.stream().allMatch(e -> EVENTS.contains(e.substring(e.indexOf(' ') + 1))), jobEvents.toString());
          test.completeNow();
        })));
  }

  /** The child: the PostgreSQL store, a runner, the API on {@code port}; webhooks to the local receiver allowed. */
  private JsonObject engineConfig(int port) {
    return TestEngine.config(new JsonObject()
        .put("http", new JsonObject().put("port", port))
        .put("store", new JsonObject().put("kind", "postgres").put("pgUri", schema.uri()))
        .put("runner", new JsonObject().put("concurrency", 4)));
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
