package io.stagecoach.config;

/**
 * Where jobs are kept.
 *
 * @param kind {@code memory}, the only store of this version; defaults to {@code memory}
 * @param logCap log lines kept per job, older ones dropped and counted; defaults to {@value #DEFAULT_LOG_CAP}
 */
public record StoreConfig(String kind, int logCap) {
  public static final String MEMORY = "memory";
  public static final int DEFAULT_LOG_CAP = 1000;

  static StoreConfig read(Section s) {
    String kind = s.string("kind", MEMORY);
    if (!MEMORY.equals(kind)) {
      throw new ConfigException("store.kind must be 'memory', not '" + kind + "'");
    }
    return new StoreConfig(kind, s.integer("logCap", DEFAULT_LOG_CAP, 1, 1_000_000));
  }
}
