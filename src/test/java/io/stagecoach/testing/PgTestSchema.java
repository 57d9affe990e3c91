package io.stagecoach.testing;


import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A schema of its own for one test class, on the test PostgreSQL ({@link Services#postgres()}).
 * {@link #uri()} points a store at it (search_path) and names its connections, so that a test can
 * find them in {@code pg_stat_activity}.
 */
public record PgTestSchema(String name, String uri, String applicationName) {

  /**
   * One schema for a whole test class, created by the first test that asks for it: each test then
   * asks in its set-up, so that without PostgreSQL every test is reported skipped with the reason.
   * Registered as an extension, it drops the schema after the class.
   */
  public static final class PerClass implements AfterAllCallback {
    private PgTestSchema schema;

    /** Drops the schema after the class's last test: register it with {@code @RegisterExtension}. */
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
      Vertx vertx = Vertx.vertx();
      try {
        drop(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }

    public synchronized Future<PgTestSchema> get(Vertx vertx) {
      if (schema != null) {
        return Future.succeededFuture(schema);
      }
      return create(vertx).onSuccess(created -> {
        synchronized (this) {
          schema = created;
        }
      });
    }

    public synchronized Future<Void> drop(Vertx vertx) {
      PgTestSchema dropping = schema;
      schema = null;
      return dropping == null ? Future.succeededFuture() : dropping.drop(vertx);
    }
  }

  /** Creates an empty schema; skips or fails the calling test (by throwing) when PostgreSQL does not answer. */
  public static Future<PgTestSchema> create(Vertx vertx) {
    String base = Services.postgres();
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String name = "stagecoach_test_" + suffix;
    String applicationName = "stagecoach-test-" + suffix;
    String uri = base + (base.contains("?") ? "&" : "?") + "search_path=" + name + "&application_name=" + applicationName;
    PgTestSchema schema = new PgTestSchema(name, uri, applicationName);
    return sql(vertx, base, "CREATE SCHEMA " + name, Tuple.tuple()).map(schema);
  }

  /** {@link #uri()} with the server's address replaced, to reach it through {@code host:port} (a proxy). */
  public String uriVia(String host, int port) {
    PgConnectOptions options = PgConnectOptions.fromUri(uri);
    return "postgresql://" + encode(options.getUser()) + ":" + encode(options.getPassword()) + "@" + host + ":" + port
        + "/" + encode(options.getDatabase()) + uri.substring(uri.indexOf('?'));
  }

  /** {@link #uri()} naming a database that does not exist. */
  public String uriOfMissingDatabase() {
    PgConnectOptions options = PgConnectOptions.fromUri(uri);
    return "postgresql://" + encode(options.getUser()) + ":" + encode(options.getPassword()) + "@" + options.getHost()
        + ":" + options.getPort() + "/stagecoach_no_such_database";
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8);
  }

  /** Empties the store's tables (the schema must have been migrated). */
  public Future<Void> truncate(Vertx vertx) {
    return sql("TRUNCATE stagecoach_jobs, stagecoach_job_logs", vertx).mapEmpty();
  }

  public Future<Void> drop(Vertx vertx) {
    return sql(vertx, Services.postgres(), "DROP SCHEMA IF EXISTS " + name + " CASCADE", Tuple.tuple()).mapEmpty();
  }

  /** Runs one statement in this schema on a connection of its own. */
  public Future<RowSet<Row>> sql(String statement, Vertx vertx, Object... params) {
    return sql(vertx, uri, statement, Tuple.wrap(params));
  }

  private static Future<RowSet<Row>> sql(Vertx vertx, String uri, String statement, Tuple params) {
    return PgConnection.connect(vertx, options(uri))
        .compose(conn -> conn.preparedQuery(statement).execute(params).eventually(conn::close));
  }

  /** The URI's options over the client's session defaults, which a URI with settings of its own replaces. */
  private static PgConnectOptions options(String uri) {
    PgConnectOptions options = PgConnectOptions.fromUri(uri);
    Map<String, String> properties = new HashMap<>(PgConnectOptions.DEFAULT_PROPERTIES);
    properties.putAll(options.getProperties());
    // Quiet: "drop cascades to …" notices are expected here.
    properties.put("client_min_messages", "warning");
    return options.setProperties(properties);
  }
}
