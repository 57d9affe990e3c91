package io.stagecoach.store.pg;

import io.stagecoach.testing.PgTestSchema;
import static io.stagecoach.testing.Jobs.aLogLine;
import static io.stagecoach.testing.Jobs.aQueuedJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.Job;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.testing.MutableClock;
import io.stagecoach.testing.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A PostgreSQL that cannot be reached, or goes away, fails calls with {@code unavailable}, quickly. */
@ExtendWith(VertxExtension.class)
class PgUnavailableTest {
  /** Well under the pool's wait timeout: a refused connection must not wait for it. */
  private static final Duration QUICKLY = Duration.ofSeconds(3);

  private final MutableClock clock = new MutableClock();
  private PgTestSchema schema;
  private PgJobStore store;
  private TcpProxy proxy;

  @AfterEach
  void cleanUp(Vertx vertx, VertxTestContext test) {
    Future<Void> closed = store == null ? Future.succeededFuture() : store.close();
    closed.transform(v -> proxy == null ? Future.succeededFuture() : proxy.stop())
        .transform(v -> schema == null ? Future.succeededFuture() : schema.drop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("creating a store on a port where nothing listens fails with unavailable at once")
  void nothingListening(Vertx vertx, VertxTestContext test) throws IOException {
    String uri = "postgresql://postgres@127.0.0.1:" + closedPort() + "/postgres";
    long start = System.nanoTime();

    PgJobStore.create(vertx, uri, clock, 10).onComplete(test.failing(e -> test.verify(() -> {
      assertUnavailable(e);
      assertTrue(elapsed(start).compareTo(QUICKLY) < 0, "failed after " + elapsed(start));
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a malformed URI fails with unavailable, without repeating the URI (it may hold a password)")
  void malformedUri(Vertx vertx, VertxTestContext test) {
    PgJobStore.create(vertx, "postgresql://stagecoach:s3cret@db.example:notaport/jobs", clock, 10)
        .onComplete(test.failing(e -> test.verify(() -> {
          assertUnavailable(e);
          assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a database that does not exist is unavailable")
  void missingDatabase(Vertx vertx, VertxTestContext test) {
    PgTestSchema.create(vertx)
        .compose(created -> {
          schema = created;
          return PgJobStore.create(vertx, created.uriOfMissingDatabase(), clock, 10);
        })
        .onComplete(test.failing(e -> test.verify(() -> {
          assertUnavailable(e);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("when the database goes away every call fails with unavailable instead of hanging, and the store recovers when it is back")
  void databaseGoesAway(Vertx vertx, VertxTestContext test) {
    Job job = aQueuedJob(clock);
    Map<String, Supplier<Future<?>>> calls = new LinkedHashMap<>();
    calls.put("ping", () -> store.ping());
    calls.put("get", () -> store.get(job.id()));
    calls.put("insert", () -> store.insert(aQueuedJob(clock)));
    calls.put("update", () -> store.update(job.id(), j -> true));
    calls.put("claimDue", () -> store.claimDue("r", 5, Duration.ofSeconds(30)));
    calls.put("renewLeases", () -> store.renewLeases("r", List.of(job.id()), Duration.ofSeconds(30)));
    calls.put("appendLogs", () -> store.appendLogs(job.id(), List.of(aLogLine(clock, "x"))));
    calls.put("logs", () -> store.logs(job.id(), 0, 10));
    calls.put("listenForWakeups", () -> store.listenForWakeups(() -> { }));

    PgTestSchema.create(vertx)
        .compose(created -> {
          schema = created;
          PgConnectOptions target = PgConnectOptions.fromUri(created.uri());
          return TcpProxy.start(vertx, target.getHost(), target.getPort());
        })
        .compose(started -> {
          proxy = started;
          return PgJobStore.create(vertx, schema.uriVia("127.0.0.1", proxy.port()), clock, 10);
        })
        .compose(created -> {
          store = created;
          return store.insert(job);
        })
        .compose(inserted -> store.ping())
        .compose(up -> {
          proxy.cut();
          long start = System.nanoTime();
          List<Future<?>> answers = calls.values().stream().<Future<?>>map(Supplier::get).toList();
          return Future.join(answers).transform(done -> {
            test.verify(() -> {
              assertTrue(elapsed(start).compareTo(QUICKLY) < 0, "answered after " + elapsed(start));
              int i = 0;
              for (String call : calls.keySet()) {
                Future<?> answer = answers.get(i++);
                assertTrue(answer.failed(), call + " should fail");
                assertUnavailable(answer.cause(), call);
              }
            });
            return Future.succeededFuture();
          });
        })
        .compose(checked -> {
          proxy.restore();
          return store.get(job.id());
        })
        .onComplete(test.succeeding(back -> test.verify(() -> {
          assertEquals(job.id(), back.id(), "once the database is back, so is the store");
          test.completeNow();
        })));
  }

  private static void assertUnavailable(Throwable e) {
    assertUnavailable(e, "");
  }

  private static void assertUnavailable(Throwable e, String call) {
    StagecoachException unavailable = assertInstanceOf(StagecoachException.class, e, call + ": " + e);
    assertEquals(ErrorCode.UNAVAILABLE, unavailable.code(), call + ": " + e.getMessage());
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** A local port that was free a moment ago, so a connection to it is refused. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
