package io.stagecoach.client;

import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.bus.Addresses;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Event-bus API: a sibling verticle uses JobClient (SPEC §6)")
class SiblingVerticleTest {
  private TestEngine engine;

  /** What an application verticle deployed beside Stagecoach does: submit, watch, and read the end. */
  static final class ReportVerticle extends VerticleBase {
    final Promise<JsonObject> finished = Promise.promise();
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public Future<?> start() {
      JobClient jobs = JobClient.create(vertx);
      return jobs.submit(aJob("demo.stages").input("stages", 2).input("stepMs", 5).label("project", "24").json())
          .onSuccess(submitted -> {
            vertx.eventBus().<JsonObject>consumer(Addresses.jobEvents(submitted.id()),
                m -> seen.add(m.body().getString("type")));
            jobs.awaitEnd(submitted.id()).onComplete(finished);
          });
    }
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    TestEngine.start(vertx, new JsonObject(), new JobTypeRegistry())
        .onComplete(test.succeeding(e -> {
          engine = e;
          test.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    engine.stop().onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a sibling verticle submits a job and learns its end from the events")
  void siblingSubmits(Vertx vertx, VertxTestContext test) {
    ReportVerticle sibling = new ReportVerticle();
    vertx.deployVerticle(sibling)
        .compose(id -> sibling.finished.future())
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("succeeded", job.getString("status"));
          assertEquals("24", job.getJsonObject("labels").getString("project"));
          assertEquals(2, job.getJsonArray("stages").size());
          assertTrue(sibling.seen.contains("job.succeeded") || sibling.seen.contains("job.stage.finished"), sibling.seen.toString());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("get, list and cancel over the bus give the same records as REST")
  void getListCancel(Vertx vertx, VertxTestContext test) {
    JobClient jobs = JobClient.create(vertx);
    jobs.submit(aJob("demo.noop").delayMs(60_000).label("team", "ops").json())
        .compose(s -> jobs.get(s.id())
            .compose(got -> jobs.list(new JsonObject().put("labels", new JsonObject().put("team", "ops"))).map(page -> List.of(got, page)))
            .compose(r -> jobs.cancel(s.id()).map(cancelled -> List.of(r.get(0), r.get(1), cancelled))))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertEquals("queued", r.get(0).getString("status"));
          assertEquals(r.get(0).getString("id"), r.get(1).getJsonArray("items").getJsonObject(0).getString("id"));
          assertEquals("cancelled", r.get(2).getString("status"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a bad submission fails with the contract's error code, typed for JobClient and as JSON on the raw bus")
  void errors(Vertx vertx, VertxTestContext test) {
    JobClient jobs = JobClient.create(vertx);
    jobs.submit(aJob("no.such.type").json())
        .<Object>map(s -> s)
        .recover(e -> {
          test.verify(() -> {
            StagecoachException error = assertInstanceOf(StagecoachException.class, e);
            assertEquals(ErrorCode.UNKNOWN_JOB_TYPE, error.code());
          });
          return vertx.eventBus().request(Addresses.JOBS_SUBMIT, new JsonObject().put("type", "demo.noop").put("bogus", 1))
              .map(m -> m.body());
        })
        .onComplete(test.failing(e -> test.verify(() -> {
          ReplyException reply = assertInstanceOf(ReplyException.class, e);
          assertEquals(400, reply.failureCode());
          JsonObject error = new JsonObject(reply.getMessage()).getJsonObject("error");
          assertEquals("invalid_input", error.getString("code"));
          assertEquals("bogus", error.getJsonObject("details").getString("field"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a submission with a NUL character, which PostgreSQL cannot store, is invalid_input on every store")
  void nulRefused(Vertx vertx, VertxTestContext test) {
    JobClient jobs = JobClient.create(vertx);
    jobs.submit(aJob("demo.noop").input("note", "a\u0000b").json())
        .onComplete(test.failing(e -> test.verify(() -> {
          StagecoachException error = assertInstanceOf(StagecoachException.class, e);
          assertEquals(ErrorCode.INVALID_INPUT, error.code());
          assertEquals("input.note", error.details().getString("field"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a tenant-scoped client neither sees nor cancels another tenant's job")
  void tenantScope(Vertx vertx, VertxTestContext test) {
    JobClient acme = JobClient.create(vertx).forTenant("acme");
    JobClient globex = JobClient.create(vertx).forTenant("globex");
    acme.submit(aJob("demo.noop").delayMs(60_000).json())
        .compose(s -> {
          test.verify(() -> assertEquals("acme", s.job().getString("tenant")));
          return globex.cancel(s.id());
        })
        .onComplete(test.failing(e -> test.verify(() -> {
          assertEquals(ErrorCode.NOT_FOUND, ((StagecoachException) e).code());
          test.completeNow();
        })));
  }
}
