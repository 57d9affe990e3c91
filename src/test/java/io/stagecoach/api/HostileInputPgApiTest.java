package io.stagecoach.api;

import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.PgTestSchema;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same hostile requests against an engine on PostgreSQL, which refuses more than memory does (a NUL, say). */
@DisplayName("Hostile input, PostgreSQL store")
class HostileInputPgApiTest extends HostileInputApiTest {
  @RegisterExtension
  static final PgTestSchema.PerClass SCHEMA = new PgTestSchema.PerClass();

  @Override
  Future<TestEngine> startEngine(Vertx vertx) {
    return SCHEMA.get(vertx).compose(schema -> TestEngine.start(vertx,
        new JsonObject().put("store", new JsonObject().put("kind", "postgres").put("pgUri", schema.uri())),
        new JobTypeRegistry()));
  }
}
