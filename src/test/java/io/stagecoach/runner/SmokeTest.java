package io.stagecoach.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecoach.testing.TestEngine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SmokeTest {
  @Test
  void noop(Vertx vertx, VertxTestContext test) {
    TestEngine.start(vertx)
        .compose(e -> e.jobs.submit(new JsonObject().put("type", "demo.noop")).compose(s -> e.jobs.awaitEnd(s.id())))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("succeeded", job.getString("status"));
          test.completeNow();
        })));
  }
}
