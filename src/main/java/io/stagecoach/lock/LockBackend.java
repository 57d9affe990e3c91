package io.stagecoach.lock;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Mutual exclusion per key, with owner tokens and fencing tokens (SPEC §4).
 * Implementations pass {@code LockBackendContract}.
 */
public interface LockBackend {

  /**
   * Takes {@code key} for {@code holder} (a name shown to others, such as a job id) for {@code ttl}
   * when nobody holds it or its holder's TTL ran out. A grant carries a fresh random token and
   * a fencing token greater than every earlier grant of the key.
   */
  Future<LockResult> acquire(String key, String holder, Duration ttl);

  /** Extends the lock for another {@code ttl}; false when {@code token} no longer owns it. */
  Future<Boolean> renew(String key, String token, Duration ttl);

  /** Releases the lock; false (and nothing changed) when {@code token} does not own it. */
  Future<Boolean> release(String key, String token);

  /** Releases the lock whoever holds it; false when it was not held. */
  Future<Boolean> forceRelease(String key);

  /** Locks held now. */
  Future<List<LockInfo>> list();

  /** Succeeds when the backend can serve requests (readiness). */
  Future<Void> ping();

  /**
   * Calls {@code onRelease} with each key released by another process sharing this backend.
   * Releases made through this process's lock manager are announced by the manager itself, so a
   * backend that only one process uses has nothing to listen for.
   */
  default Future<Void> listenForReleases(Consumer<String> onRelease) {
    return Future.succeededFuture();
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
