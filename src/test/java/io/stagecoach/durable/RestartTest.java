package io.stagecoach.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecoach.Stagecoach;
import io.stagecoach.client.JobClient;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.PgTestSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Restart on PostgreSQL")
class RestartTest {
  private PgTestSchema schema;
  private Stagecoach engine;

  @AfterEach
  void stop(Vertx vertx, VertxTestContext test) {
    (engine == null ? Future.<Void>succeededFuture() : engine.stop())
        .eventually(() -> schema == null ? Future.succeededFuture() : schema.drop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  private Future<Stagecoach> start(Vertx vertx, int concurrency) {
    return DurableEngine.start(vertx, schema.uri(), DurableEngine.concurrency(concurrency), new JobTypeRegistry())
        .onSuccess(e -> engine = e);
  }

  @Test
  @DisplayName("jobs queued before a restart run after it; finished records, stages, params and logs are intact")
  void restart(Vertx vertx, VertxTestContext test) {
    JobClient jobs = JobClient.create(vertx);
    JsonObject stagesJob = new JsonObject().put("type", "demo.stages")
        .put("input", new JsonObject().put("stages", 2).put("stepMs", 5));
    List<String> queued = new ArrayList<>();
    List<JsonObject> before = new ArrayList<>();
    PgTestSchema.create(vertx)
        .compose(s -> {
          schema = s;
          return start(vertx, 4);
        })
        // First life: one job runs to its end; then the runner is gone and five jobs wait.
        .compose(e -> jobs.submit(stagesJob).compose(s -> jobs.awaitEnd(s.id())))
        .compose(done -> jobs.logs(done.getString("id"), 0, 100).map(logs -> {
          before.add(done);
          before.add(logs);
          return null;
        }))
        .compose(v -> engine.stop())
        .compose(v -> start(vertx, 0))
        .compose(e -> {
          List<Future<Void>> submitted = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            submitted.add(jobs.submit(stagesJob).map(s -> {
              queued.add(s.id());
              return null;
            }));
          }
          return Future.all(submitted);
        })
        .compose(v -> engine.stop())
        // Second life: a fresh engine on the same database.
        .compose(v -> start(vertx, 4))
        .compose(e -> Future.all(queued.stream().map(jobs::awaitEnd).toList()))
        .compose(ended -> jobs.get(before.get(0).getString("id"))
            .compose(record -> jobs.logs(record.getString("id"), 0, 100).map(logs -> List.of(ended, record, logs))))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          io.vertx.core.CompositeFuture ended = (io.vertx.core.CompositeFuture) r.get(0);
          for (int i = 0; i < ended.size(); i++) {
            JsonObject job = ended.resultAt(i);
            assertEquals("succeeded", job.getString("status"));
            assertEquals(1, job.getInteger("attempt"));
          }
          assertEquals(before.get(0), r.get(1), "the finished record is as it was before the restart");
          assertEquals(before.get(1), r.get(2), "and so are its logs");
          test.completeNow();
        })));
  }
}
