package io.stagecoach.config;

import java.time.Duration;

/**
 * The lock manager.
 *
 * @param backend {@code local}, the only backend of this version; defaults to {@code local}
 * @param ttl how long a lock outlives its last renewal when its owner dies; defaults to 30 s
 */
public record LockConfig(String backend, Duration ttl) {
  public static final String LOCAL = "local";
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  static LockConfig read(Section s) {
    String backend = s.string("backend", LOCAL);
    if (!LOCAL.equals(backend)) {
      throw new ConfigException("locks.backend must be 'local', not '" + backend + "'");
    }
    return new LockConfig(backend, s.millis("ttlMs", DEFAULT_TTL, Duration.ofMillis(100)));
  }
}
