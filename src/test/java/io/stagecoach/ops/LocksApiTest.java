package io.stagecoach.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.lock.LockClient;
import io.stagecoach.testing.TestEngine;
import io.stagecoach.testing.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /locks} and {@code DELETE /locks/{key}}: operator only, through the lock manager; a force release is audited. */
@ExtendWith(VertxExtension.class)
class LocksApiTest {
  private static final String OLGA = Tokens.aToken().subject("olga").tenant("ops").roles("operator").sign();
  private static final String ANN = Tokens.aToken().subject("ann").tenant("acme").roles("admin").sign();
  private static final String KEY = "deployment:74";
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

  @Test
  @DisplayName("an operator lists a held lock and force-releases it (204, then 404); admins get 403; the release is audited with the holder")
  void listAndForceRelease(Vertx vertx, VertxTestContext test) {
    new LockClient(vertx.eventBus()).acquire(KEY, "job-in-a-test", Duration.ofMinutes(5))
        .compose(acquired -> Future.all(List.of(
            api.call(ANN, HttpMethod.GET, "/locks", null),
            api.call(ANN, HttpMethod.DELETE, "/locks/" + KEY, null),
            api.call(Tokens.of("acme", "submitter"), HttpMethod.GET, "/locks", null))))
        .compose(forbidden -> {
          for (int i = 0; i < 3; i++) {
            HttpResponse<Buffer> r = forbidden.resultAt(i);
            assertEquals(403, r.statusCode(), r.bodyAsString());
          }
          return api.items(OLGA, "/locks");
        })
        .compose(held -> {
          JsonObject lock = held.stream().filter(l -> KEY.equals(l.getString("key"))).findFirst().orElseThrow();
          assertEquals("job-in-a-test", lock.getString("holder"));
          assertTrue(!lock.containsKey("token"), "the owner's token is never shown");
          return api.call(OLGA, HttpMethod.DELETE, "/locks/" + KEY, null);
        })
        .compose(released -> {
          assertEquals(204, released.statusCode(), released.bodyAsString());
          return Future.all(api.items(OLGA, "/locks"), api.call(OLGA, HttpMethod.DELETE, "/locks/" + KEY, null));
        })
        .compose(after -> {
          List<JsonObject> held = after.resultAt(0);
          assertTrue(held.stream().noneMatch(l -> KEY.equals(l.getString("key"))), held.toString());
          HttpResponse<Buffer> again = after.resultAt(1);
          assertEquals(404, again.statusCode(), again.bodyAsString());
          assertEquals("not_found", Api.errorCode(again));
          return api.items(OLGA, "/audit");
        })
        .onComplete(test.succeeding(entries -> test.verify(() -> {
          List<JsonObject> releases = entries.stream().filter(e -> "lock.forceRelease".equals(e.getString("action"))).toList();
          assertEquals(1, releases.size(), entries.toString());
          JsonObject entry = releases.get(0);
          assertEquals("olga", entry.getString("actor"));
          assertEquals(KEY, entry.getString("target"));
          assertEquals("job-in-a-test", entry.getJsonObject("before").getString("holder"));
          assertTrue(entry.getJsonObject("after").getBoolean("released"));
          test.completeNow();
        })));
  }
}
