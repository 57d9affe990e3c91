package io.stagecoach.lock.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.lock.LockBackend;
import io.stagecoach.lock.LockBackendContract;
import io.stagecoach.lock.LockResult;
import io.stagecoach.testing.Services;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The lock contract against the real Redis, plus what only a shared backend must do. */
@DisplayName("Redis lock backend")
class RedisLockBackendTest extends LockBackendContract {
  private static String redisUri;
  /** Every test's keys under a namespace of their own, so runs never see each other's locks. */
  private final String namespace = "stagecoach-test-" + UUID.randomUUID();

  @BeforeAll
  static void redisIsUp() {
    redisUri = Services.redis();
  }

  @Override
  protected Future<LockBackend> newBackend(Vertx vertx, Clock clock) {
    return Future.succeededFuture(RedisLockBackend.create(vertx, redisUri, clock, namespace, Duration.ZERO));
  }

  @Override
  protected Future<Void> closeBackend(LockBackend backend) {
    return backend.close();
  }

  /** Redis expires keys on its own clock: short TTLs and real waits. */
  @Override
  protected Duration ttl() {
    return Duration.ofMillis(1_000);
  }

  @Override
  protected Future<Void> elapse(Vertx vertx, Duration duration) {
    Promise<Void> waited = Promise.promise();
    vertx.setTimer(Math.max(1, duration.toMillis()), t -> waited.complete());
    return waited.future();
  }

  @Test
  @DisplayName("two engine processes (two backends on one Redis) exclude each other and share fencing tokens")
  void sharedBetweenProcesses(Vertx vertx, VertxTestContext test) {
    LockBackend other = RedisLockBackend.create(vertx, redisUri, clock, namespace, Duration.ZERO);
    locks.acquire("shared", "engine-a", Duration.ofSeconds(5))
        .compose(a -> other.acquire("shared", "engine-b", Duration.ofSeconds(5)).map(b -> List.of(a, b)))
        .compose(ab -> locks.release("shared", ab.get(0).token())
            .compose(released -> other.acquire("shared", "engine-b", Duration.ofSeconds(5)))
            .map(c -> List.of(ab.get(0), ab.get(1), c)))
        .eventually(other::close)
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertTrue(r.get(0).granted());
          assertFalse(r.get(1).granted());
          assertEquals("engine-a", r.get(1).holder());
          LockResult later = r.get(2);
          assertTrue(later.granted());
          assertTrue(later.fencingToken() > r.get(0).fencingToken());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a release by another process is heard over pub/sub")
  void releasesArePublished(Vertx vertx, VertxTestContext test) {
    LockBackend other = RedisLockBackend.create(vertx, redisUri, clock, namespace, Duration.ZERO);
    List<String> heard = new CopyOnWriteArrayList<>();
    locks.listenForReleases(heard::add)
        .compose(v -> other.acquire("k", "engine-b", Duration.ofSeconds(5)))
        .compose(granted -> other.release("k", granted.token()))
        .compose(v -> io.stagecoach.testing.Await.until(vertx, () -> Future.succeededFuture(heard), h -> !h.isEmpty()))
        .eventually(other::close)
        .onComplete(test.succeeding(h -> test.verify(() -> {
          assertEquals(List.of("k"), h);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("with Redis unreachable, acquiring fails as unavailable: no lock is ever assumed")
  void unreachable(Vertx vertx, VertxTestContext test) {
    LockBackend dead = RedisLockBackend.create(vertx, "redis://127.0.0.1:1", clock, namespace, Duration.ZERO);
    dead.acquire("k", "job", Duration.ofSeconds(5))
        .eventually(dead::close)
        .onComplete(test.failing(e -> test.verify(() -> {
          assertEquals(ErrorCode.UNAVAILABLE, ((StagecoachException) e).code());
          test.completeNow();
        })));
  }
}
