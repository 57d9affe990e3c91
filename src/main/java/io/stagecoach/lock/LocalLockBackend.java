package io.stagecoach.lock;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Locks for one process: a map under one monitor. Expired locks are treated as free. Fencing tokens
 * are at least the grant's time in microseconds, so they keep growing across restarts of the
 * process (as long as its clock does not step back).
 */
public final class LocalLockBackend implements LockBackend {

  private record Held(String token, String holder, long fencingToken, Instant expiresAt) {
  }

  private static final int PURGE_THRESHOLD = 1024;

  private final Clock clock;
  private final Map<String, Held> held = new HashMap<>();
  /** Last fencing token per key; kept after release so tokens keep growing. */
  private final Map<String, Long> fencing = new HashMap<>();

  public LocalLockBackend(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Future<LockResult> acquire(String key, String holder, Duration ttl) {
    Instant now = clock.instant();
    Held current = live(key, now);
    if (current != null) {
      return Future.succeededFuture(LockResult.busy(current.holder()));
    }
    forgetExpiredNowAndThen(now);
    long fence = fencing.merge(key, microsSinceEpoch(now), (last, floor) -> Math.max(last + 1, floor));
    String token = UUID.randomUUID().toString();
    held.put(key, new Held(token, holder, fence, now.plus(ttl)));
    return Future.succeededFuture(LockResult.granted(token, fence));
  }

  @Override
  public synchronized Future<Boolean> renew(String key, String token, Duration ttl) {
    Instant now = clock.instant();
    Held current = live(key, now);
    if (current == null || !current.token().equals(token)) {
      return Future.succeededFuture(false);
    }
    held.put(key, new Held(token, current.holder(), current.fencingToken(), now.plus(ttl)));
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Boolean> release(String key, String token) {
    Held current = live(key, clock.instant());
    if (current == null || !current.token().equals(token)) {
      return Future.succeededFuture(false);
    }
    held.remove(key);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Boolean> forceRelease(String key) {
    return Future.succeededFuture(live(key, clock.instant()) != null && held.remove(key) != null);
  }

  @Override
  public synchronized Future<List<LockInfo>> list() {
    Instant now = clock.instant();
    List<LockInfo> out = new ArrayList<>();
    for (String key : List.copyOf(held.keySet())) {
      Held h = live(key, now);
      if (h != null) {
        out.add(new LockInfo(key, h.holder(), h.fencingToken(), h.expiresAt()));
      }
    }
    return Future.succeededFuture(out);
  }

  /**
   * Drops expired locks once the map has grown, so that keys whose holders died do not pile up;
   * their fencing counters stay, so tokens keep growing.
   */
  private void forgetExpiredNowAndThen(Instant now) {
    if (held.size() >= PURGE_THRESHOLD) {
      held.values().removeIf(h -> !h.expiresAt().isAfter(now));
    }
  }

  private static long microsSinceEpoch(Instant now) {
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  private Held live(String key, Instant now) {
    Held h = held.get(key);
    return h != null && h.expiresAt().isAfter(now) ? h : null;
  }
}
