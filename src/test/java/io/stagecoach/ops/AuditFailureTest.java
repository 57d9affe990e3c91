package io.stagecoach.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.PgTestSchema;
import io.stagecoach.testing.TestEngine;
import io.stagecoach.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An audit log that cannot be written never breaks the mutation: an engine on PostgreSQL whose audit table is gone. */
@ExtendWith(VertxExtension.class)
class AuditFailureTest {
  private static final String SAM = Tokens.aToken().subject("sam").tenant("acme").roles("submitter").sign();
  private static final PgTestSchema.PerClass SCHEMA = new PgTestSchema.PerClass();
  private static TestEngine engine;
  private static Api api;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext test) {
    SCHEMA.get(vertx)
        .compose(schema -> TestEngine.start(vertx, new JsonObject().put("store",
            new JsonObject().put("kind", "postgres").put("pgUri", schema.uri())), new JobTypeRegistry())
            .compose(started -> schema.sql("DROP TABLE stagecoach_audit", vertx).map(started)))
        .onComplete(test.succeeding(started -> {
          engine = started;
          api = new Api(started);
          test.completeNow();
        }));
  }

  @AfterAll
  static void stop(Vertx vertx, VertxTestContext test) {
    (engine == null ? io.vertx.core.Future.<Void>succeededFuture() : engine.stop())
        .eventually(() -> SCHEMA.drop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("with the audit table dropped, a submission and a cancel still answer 202 and take effect; only reading the audit fails")
  void auditFailureKeepsTheAnswer(VertxTestContext test) {
    String[] id = new String[1];
    api.call(SAM, HttpMethod.POST, "/jobs", new JsonObject().put("type", "demo.noop").put("delayMs", 600_000))
        .compose(submitted -> {
          assertEquals(202, submitted.statusCode(), submitted.bodyAsString());
          id[0] = submitted.bodyAsJsonObject().getString("id");
          return api.call(SAM, HttpMethod.POST, "/jobs/" + id[0] + "/cancel", null);
        })
        .compose(cancelled -> {
          assertEquals(202, cancelled.statusCode(), cancelled.bodyAsString());
          return api.call(SAM, HttpMethod.GET, "/jobs/" + id[0], null);
        })
        .compose(read -> {
          assertEquals(200, read.statusCode());
          assertEquals("cancelled", read.bodyAsJsonObject().getString("status"));
          return api.call(Tokens.of("acme", "admin"), HttpMethod.GET, "/audit", null);
        })
        .onComplete(test.succeeding(audit -> test.verify(() -> {
          assertEquals(500, audit.statusCode(), audit.bodyAsString());
          test.completeNow();
        })));
  }
}
