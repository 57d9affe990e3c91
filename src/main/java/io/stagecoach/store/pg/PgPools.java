package io.stagecoach.store.pg;

import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** How every PostgreSQL store connects: the same URI rules, timeouts and migrations. */
public final class PgPools {
  /** Time to open a TCP connection to PostgreSQL. Defaults to 5 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Time a call waits for a pooled connection before failing {@code unavailable}. Defaults to 5 seconds. */
  public static final Duration DEFAULT_POOL_WAIT_TIMEOUT = Duration.ofSeconds(5);
  /** Calls that may wait for a pooled connection; more fail at once. Defaults to 1000. */
  public static final int DEFAULT_MAX_WAIT_QUEUE_SIZE = 1000;

  private PgPools() {
  }

  /**
   * Options from a URI ({@code postgresql://user:password@host:port/database?search_path=...}): the
   * client's session defaults, {@code applicationName} unless the URI names one, and the URI's own
   * settings. A malformed URI is {@code unavailable}, without repeating it (it may hold a password).
   */
  public static PgConnectOptions connectOptions(String uri, String applicationName) {
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(Objects.requireNonNull(uri, "uri"));
    } catch (RuntimeException malformed) {
      throw new StagecoachException(ErrorCode.UNAVAILABLE,
          "the PostgreSQL URI is not valid (postgresql://user:password@host:port/database)");
    }
    Map<String, String> properties = new HashMap<>(PgConnectOptions.DEFAULT_PROPERTIES);
    properties.put("application_name", applicationName);
    options.getProperties().forEach((name, value) -> {
      if (!value.equals(PgConnectOptions.DEFAULT_PROPERTIES.get(name))) {
        properties.put(name, value);
      }
    });
    return options.setProperties(properties);
  }

  /** A pool of {@code maxSize} connections whose database has every migration; closed again if migrating fails. */
  public static Future<Pool> openMigrated(Vertx vertx, PgConnectOptions options, int maxSize) {
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions()
            .setMaxSize(maxSize)
            .setMaxWaitQueueSize(DEFAULT_MAX_WAIT_QUEUE_SIZE)
            .setConnectionTimeout((int) DEFAULT_POOL_WAIT_TIMEOUT.toMillis())
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .with(new NetClientOptions()
            .setConnectTimeout((int) DEFAULT_CONNECT_TIMEOUT.toMillis())
            .setTcpKeepAlive(true))
        .connectingTo(options)
        .using(vertx)
        .build();
    return new Migrator(vertx, pool).migrate()
        .map(applied -> pool)
        .recover(e -> pool.close().transform(closed -> PgFailures.translate(e)));
  }
}
