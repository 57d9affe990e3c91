package io.stagecoach.lock.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.lock.LockResult;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.RedisProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real redis-server of the test's own, killed and started again without its data. */
@ExtendWith(VertxExtension.class)
@DisplayName("Redis locks when Redis loses its data")
class RedisDataLossTest {
  private static final Duration TTL = Duration.ofMillis(1_500);
  private RedisProcess redis;
  private RedisLockBackend locks;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    RedisProcess.start(vertx).onComplete(test.succeeding(started -> {
      redis = started;
      locks = RedisLockBackend.create(vertx, redis.uri(), Clock.systemUTC(), "data-loss", TTL);
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(Vertx vertx, VertxTestContext test) {
    (locks == null ? Future.<Void>succeededFuture() : locks.close())
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.stop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  private Future<LockResult> grantedOnceOpen(Vertx vertx, String key) {
    return Await.until(vertx, () -> locks.acquire(key, "job", TTL).otherwise(e -> null), r -> r != null && r.granted());
  }

  @Test
  @DisplayName("a Redis with no record of earlier grants grants nothing for the pause, saying why, then grants")
  void newRedisPausesGrants(Vertx vertx, VertxTestContext test) {
    List<Throwable> refusals = new ArrayList<>();
    locks.acquire("k", "job-1", TTL).otherwise(e -> {
          refusals.add(e);
          return null;
        })
        .compose(first -> locks.acquire("k", "job-2", TTL).otherwise(e -> {
          refusals.add(e);
          return null;
        }))
        .compose(second -> grantedOnceOpen(vertx, "k"))
        .onComplete(test.succeeding(granted -> test.verify(() -> {
          assertEquals(2, refusals.size(), "both acquires inside the pause were refused: " + refusals);
          StagecoachException refusal = (StagecoachException) refusals.get(0);
          assertEquals(ErrorCode.UNAVAILABLE, refusal.code());
          assertTrue(refusal.getMessage().contains("no record of earlier grants"), refusal.getMessage());
          assertTrue(granted.granted());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("after a restart that lost every key: the old holder's renewal is refused, nothing is granted for "
      + "the pause, and the next fencing token is still greater")
  void restartWithoutData(Vertx vertx, VertxTestContext test) {
    List<LockResult> grants = new ArrayList<>();
    List<Object> afterRestart = new ArrayList<>();
    grantedOnceOpen(vertx, "k")
        .compose(first -> {
          grants.add(first);
          return redis.restartEmpty(vertx);
        })
        .compose(v -> locks.renew("k", grants.get(0).token(), TTL))
        .compose(renewed -> {
          afterRestart.add(renewed);
          return locks.acquire("k", "job-2", TTL).map(r -> (Object) r).otherwise(e -> e);
        })
        .compose(acquired -> {
          afterRestart.add(acquired);
          return grantedOnceOpen(vertx, "k");
        })
        .onComplete(test.succeeding(second -> test.verify(() -> {
          assertEquals(false, afterRestart.get(0), "the holder from before is told the lock is not its own");
          assertTrue(afterRestart.get(1) instanceof StagecoachException e && e.code() == ErrorCode.UNAVAILABLE,
              "no grant right after the restart: " + afterRestart.get(1));
          assertTrue(second.fencingToken() > grants.get(0).fencingToken(),
              "fencing tokens " + grants.get(0).fencingToken() + " then " + second.fencingToken());
          assertFalse(second.token().equals(grants.get(0).token()));
          test.completeNow();
        })));
  }
}
