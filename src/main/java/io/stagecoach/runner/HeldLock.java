package io.stagecoach.runner;

import io.stagecoach.lock.LockClient;
import io.stagecoach.lock.LockResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A lock one attempt holds, renewed every third of its TTL, and believed held only while a grant
 * or renewal confirms it: until the time that request was <em>sent</em> plus the TTL, less an
 * allowance for clock drift (Redlock's rule). When no renewal confirms it by then — Redis down,
 * partitioned away, or slow — or a renewal is refused, the holder is told it lost the lock before
 * the lock can expire and be granted to another. A failed renewal is never taken as a success.
 */
final class HeldLock {
  private final Vertx vertx;
  private final LockClient locks;
  private final String key;
  private final LockResult grant;
  private final Duration ttl;
  private final Consumer<String> onLost;
  private final long renewTimer;
  private long validUntilNanos;
  private long expiryTimer = -1;
  private boolean over;

  /** Must be made on the context that the timers and {@code onLost} run on. */
  HeldLock(Vertx vertx, LockClient locks, String key, LockResult grant, long requestedAtNanos, Duration ttl,
      Consumer<String> onLost) {
    this.vertx = vertx;
    this.locks = locks;
    this.key = key;
    this.grant = grant;
    this.ttl = ttl;
    this.onLost = onLost;
    confirm(requestedAtNanos);
    renewTimer = vertx.setPeriodic(Math.max(1, ttl.toMillis() / 3), t -> renew());
  }

  /** The clock drift allowed for in a TTL: 1% of it plus 2 ms. */
  static long driftNanos(Duration ttl) {
    return ttl.toNanos() / 100 + 2_000_000;
  }

  String key() {
    return key;
  }

  long fencingToken() {
    return grant.fencingToken();
  }

  /**
   * Stops renewing and releases the lock. A lock given up as unconfirmed may still be ours in the
   * backend, and releasing it frees it for the next job sooner; the backend frees it only for our token.
   */
  Future<Boolean> release() {
    stop();
    return locks.release(key, grant.token());
  }

  private void renew() {
    long sentAt = System.nanoTime();
    locks.renew(key, grant.token(), ttl).onComplete(ar -> {
      if (over) {
        return;
      }
      if (ar.succeeded() && ar.result()) {
        confirm(sentAt);
      } else if (ar.succeeded()) {
        lose("lock '" + key + "' is no longer this job's: its renewal was refused");
      }
      // A renewal that failed confirms nothing: the expiry timer stays as it was.
    });
  }

  private void confirm(long requestedAtNanos) {
    validUntilNanos = Math.max(validUntilNanos, requestedAtNanos + ttl.toNanos() - driftNanos(ttl));
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    long leftMs = Math.max(1, (validUntilNanos - System.nanoTime()) / 1_000_000);
    expiryTimer = vertx.setTimer(leftMs, t -> {
      expiryTimer = -1;
      lose("lock '" + key + "' could not be confirmed within its TTL of " + ttl.toMillis() + " ms");
    });
  }

  private void lose(String why) {
    if (stop()) {
      onLost.accept(why);
    }
  }

  /** True the first time: the lock was still believed held. */
  private boolean stop() {
    if (over) {
      return false;
    }
    over = true;
    vertx.cancelTimer(renewTimer);
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    return true;
  }
}
