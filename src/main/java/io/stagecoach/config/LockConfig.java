package io.stagecoach.config;

import java.time.Duration;

/**
 * The lock manager.
 *
 * @param backend {@code local} (one process) or {@code redis} (any number); defaults to {@code local}
 * @param redisUri Redis connection URI, required for {@code redis}, e.g. {@code redis://127.0.0.1:6379}
 * @param ttl how long a lock outlives its last renewal when its owner dies; defaults to 30 s
 * @param pauseAfterDataLoss how long a Redis that lost its data (or is new) grants no lock, so that
 *     holders from before have stopped: at least the longest {@code ttl} of the engines sharing it;
 *     0 only for a Redis that never loses a write; defaults to {@code ttl}
 */
public record LockConfig(String backend, String redisUri, Duration ttl, Duration pauseAfterDataLoss) {
  public static final String LOCAL = "local";
  public static final String REDIS = "redis";
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  public boolean isRedis() {
    return REDIS.equals(backend);
  }

  static LockConfig read(Section s) {
    String backend = s.string("backend", LOCAL);
    if (!LOCAL.equals(backend) && !REDIS.equals(backend)) {
      throw new ConfigException("locks.backend must be 'local' or 'redis', not '" + backend + "'");
    }
    String redisUri = s.string("redisUri", null);
    if (REDIS.equals(backend) && redisUri == null) {
      throw new ConfigException("locks.backend 'redis' needs locks.redisUri (or STAGECOACH_REDIS_URI)");
    }
    Duration ttl = s.millis("ttlMs", DEFAULT_TTL, Duration.ofMillis(100));
    return new LockConfig(backend, redisUri, ttl, s.millis("pauseAfterDataLossMs", ttl, Duration.ZERO));
  }
}
