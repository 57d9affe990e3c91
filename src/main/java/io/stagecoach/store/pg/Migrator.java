package io.stagecoach.store.pg;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with {@code db/migration/V*.sql}: applies, in version order, every
 * migration not yet recorded in {@code stagecoach_schema_migrations}, all in one transaction under
 * a transaction-scoped advisory lock. Processes starting at once therefore queue behind the first:
 * each version is applied exactly once, and a failed migration leaves nothing half done.
 */
public final class Migrator {
  private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

  /**
   * Every migration, oldest first. A classpath directory cannot be listed inside a fat jar, so
   * the list lives here; {@code MigratorTest} checks it against the files.
   */
  static final List<String> MIGRATIONS = List.of(
      "V001__create_jobs.sql",
      "V002__finished_jobs_index.sql",
      "V003__webhooks.sql",
      "V004__alerts_audit.sql",
      "V005__outbox.sql",
      "V006__webhook_delivery_retention.sql",
      "V007__claim_function.sql",
      "V008__claim_without_flush_wait.sql",
      "V009__labels_index_only_labelled.sql",
      "V010__log_dropped_count_derived.sql",
      "V011__ops_retention.sql",
      "V012__claim_after_the_last_claimed.sql",
      "V013__log_tables_without_foreign_keys.sql",
      "V014__indexes_off_the_hot_path.sql",
      "V015__log_seq_on_the_job.sql",
      "V016__claims_plan_once.sql",
      "V017__attempts_start_after_the_claim.sql");

  static final String RESOURCE_DIR = "db/migration/";

  /** The advisory lock every Stagecoach migrator takes: "Stagecoa" in ASCII. */
  static final long LOCK_KEY = 0x5374616765636f61L;

  private static final Pattern FILE_NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

  private static final String LOCK = """
      SELECT pg_advisory_xact_lock($1)
      """;

  /** Keeps the server's "already exists, skipping" notices out of every start-up's log. */
  private static final String QUIET = """
      SET LOCAL client_min_messages TO warning
      """;

  private static final String CREATE_HISTORY = """
      CREATE TABLE IF NOT EXISTS stagecoach_schema_migrations (
        version    integer     PRIMARY KEY,
        name       text        NOT NULL,
        checksum   text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )
      """;

  private static final String APPLIED = """
      SELECT version, checksum FROM stagecoach_schema_migrations
      """;

  private static final String RECORD = """
      INSERT INTO stagecoach_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)
      """;

  /** One {@code V<version>__<name>.sql} file. */
  record Migration(int version, String file, String sql, String checksum) {
  }

  private final Vertx vertx;
  private final Pool pool;

  public Migrator(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Applies what is missing; answers the files applied by this call (empty when up to date). */
  public Future<List<String>> migrate() {
    return vertx.executeBlocking(Migrator::load, false)
        .compose(migrations -> pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(LOCK_KEY))
            .compose(locked -> conn.query(QUIET).execute())
            .compose(quiet -> conn.query(CREATE_HISTORY).execute())
            .compose(created -> conn.query(APPLIED).execute())
            .compose(rows -> {
              Map<Integer, String> applied = new HashMap<>();
              for (Row row : rows) {
                applied.put(row.getInteger("version"), row.getString("checksum"));
              }
              return applyMissing(conn, migrations, applied);
            })));
  }

  private static Future<List<String>> applyMissing(SqlConnection conn, List<Migration> migrations,
      Map<Integer, String> applied) {
    List<String> done = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Migration migration : migrations) {
      String checksum = applied.get(migration.version());
      if (checksum != null) {
        if (!checksum.equals(migration.checksum())) {
          LOG.warn("migration {} changed after it was applied; it is not applied again", migration.file());
        }
        continue;
      }
      chain = chain
          .compose(v -> conn.query(migration.sql()).execute())
          .compose(v -> conn.preparedQuery(RECORD)
              .execute(Tuple.of(migration.version(), migration.file(), migration.checksum())))
          .map(v -> {
            LOG.info("applied migration {}", migration.file());
            done.add(migration.file());
            return null;
          });
    }
    return chain.map(v -> done);
  }

  /** Reads every listed migration from the classpath; blocking. */
  static List<Migration> load() {
    List<Migration> migrations = new ArrayList<>();
    int previous = 0;
    for (String file : MIGRATIONS) {
      Matcher name = FILE_NAME.matcher(file);
      if (!name.matches()) {
        throw new IllegalStateException("migration file name must be V<version>__<name>.sql: " + file);
      }
      int version = Integer.parseInt(name.group(1));
      if (version <= previous) {
        throw new IllegalStateException("migrations must be listed in increasing version order: " + file);
      }
      previous = version;
      String sql = read(RESOURCE_DIR + file);
      migrations.add(new Migration(version, file, sql, sha256(sql)));
    }
    return migrations;
  }

  private static String read(String resource) {
    try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("migration " + resource + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read migration " + resource, e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
