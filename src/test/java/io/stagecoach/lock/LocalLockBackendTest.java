package io.stagecoach.lock;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LocalLockBackendTest extends LockBackendContract {
  @Override
  protected Future<LockBackend> newBackend(Vertx vertx, Clock clock) {
    return Future.succeededFuture(new LocalLockBackend(clock));
  }

  @Test
  @DisplayName("fencing tokens keep growing across a restart of the process, which forgets every counter")
  void fencingTokensSurviveARestart(VertxTestContext test) {
    MutableClock time = new MutableClock();
    LocalLockBackend before = new LocalLockBackend(time);
    before.acquire("k", "job-1", Duration.ofSeconds(30))
        .compose(first -> before.acquire("other", "job-2", Duration.ofSeconds(30)).map(first))
        .compose(first -> {
          time.advance(Duration.ofMillis(1));
          return new LocalLockBackend(time).acquire("k", "job-3", Duration.ofSeconds(30))
              .map(afterRestart -> new long[] {first.fencingToken(), afterRestart.fencingToken()});
        })
        .onComplete(test.succeeding(tokens -> test.verify(() -> {
          assertTrue(tokens[1] > tokens[0], "fencing tokens " + tokens[0] + " then " + tokens[1]);
          test.completeNow();
        })));
  }
}
