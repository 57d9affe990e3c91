package io.stagecoach.config;

import java.time.Duration;

/**
 * Where jobs are kept.
 *
 * @param kind {@code memory} (this process only, gone at exit) or {@code postgres}; defaults to {@code memory}
 * @param pgUri PostgreSQL connection URI, required for {@code postgres}, e.g. {@code postgresql://user@host:5432/db}
 * @param logCap log lines kept per job, older ones dropped and counted; defaults to {@value #DEFAULT_LOG_CAP}
 * @param retention how long finished jobs are kept before they are pruned; defaults to 7 days
 * @param maxFinishedJobs how many finished jobs the memory store keeps, with their logs, evicting
 *     those that finished first beyond it (PostgreSQL keeps them for {@code retention} alone);
 *     defaults to {@value #DEFAULT_MAX_FINISHED_JOBS}
 */
public record StoreConfig(String kind, String pgUri, int logCap, Duration retention, int maxFinishedJobs) {
  public static final String MEMORY = "memory";
  public static final String POSTGRES = "postgres";
  public static final int DEFAULT_LOG_CAP = 1000;
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
  /** About 2 KB a job with a few log lines, so a few hundred MB of heap at most (README). */
  public static final int DEFAULT_MAX_FINISHED_JOBS = 100_000;

  public boolean isPostgres() {
    return POSTGRES.equals(kind);
  }

  static StoreConfig read(Section s) {
    String kind = s.string("kind", MEMORY);
    if (!MEMORY.equals(kind) && !POSTGRES.equals(kind)) {
      throw new ConfigException("store.kind must be 'memory' or 'postgres', not '" + kind + "'");
    }
    String pgUri = s.string("pgUri", null);
    if (POSTGRES.equals(kind) && pgUri == null) {
      throw new ConfigException("store.kind 'postgres' needs store.pgUri (or STAGECOACH_PG_URI)");
    }
    return new StoreConfig(kind, pgUri, s.integer("logCap", DEFAULT_LOG_CAP, 1, 1_000_000),
        s.millis("retentionMs", DEFAULT_RETENTION, Duration.ofMinutes(1)),
        s.integer("maxFinishedJobs", DEFAULT_MAX_FINISHED_JOBS, 1, 100_000_000));
  }
}
