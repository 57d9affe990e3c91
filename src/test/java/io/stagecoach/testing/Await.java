package io.stagecoach.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition by probing on a Vert.x timer, with a deadline: no fixed sleeps. */
public final class Await {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  private static final long PROBE_EVERY_MS = 20;

  private Await() {
  }

  /** The first value of {@code probe} that satisfies {@code condition}; fails after the timeout with the last value. */
  public static <T> Future<T> until(Vertx vertx, Supplier<Future<T>> probe, Predicate<T> condition) {
    return until(vertx, probe, condition, DEFAULT_TIMEOUT);
  }

  public static <T> Future<T> until(Vertx vertx, Supplier<Future<T>> probe, Predicate<T> condition, Duration timeout) {
    Promise<T> done = Promise.promise();
    long deadline = System.nanoTime() + timeout.toNanos();
    attempt(vertx, probe, condition, deadline, done);
    return done.future();
  }

  private static <T> void attempt(Vertx vertx, Supplier<Future<T>> probe, Predicate<T> condition, long deadline,
      Promise<T> done) {
    probe.get().onComplete(ar -> {
      if (ar.succeeded() && condition.test(ar.result())) {
        done.complete(ar.result());
      } else if (System.nanoTime() > deadline) {
        done.fail(new AssertionError("condition not met in time; last value: "
            + (ar.succeeded() ? ar.result() : ar.cause())));
      } else {
        vertx.setTimer(PROBE_EVERY_MS, t -> attempt(vertx, probe, condition, deadline, done));
      }
    });
  }
}
