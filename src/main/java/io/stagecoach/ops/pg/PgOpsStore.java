package io.stagecoach.ops.pg;

import io.stagecoach.job.NulCharacters;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.ops.Alert;
import io.stagecoach.ops.AlertStore;
import io.stagecoach.ops.AuditEntry;
import io.stagecoach.ops.AuditStore;
import io.stagecoach.store.Page;
import io.stagecoach.store.pg.PgFailures;
import io.stagecoach.store.pg.PgPools;
import io.stagecoach.store.pg.PgText;
import io.stagecoach.store.pg.PgValues;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Alerts and the audit log in PostgreSQL (migration {@code V004__alerts_audit.sql}), on one small
 * pool: both are low-volume. A database that cannot be reached fails calls {@code unavailable}.
 */
public final class PgOpsStore implements AlertStore, AuditStore {
  /** Connections in the pool. Defaults to 2. */
  public static final int DEFAULT_POOL_SIZE = 2;

  private final Pool pool;

  private PgOpsStore(Pool pool) {
    this.pool = pool;
  }

  /** Connects to {@code pgUri}, migrates the schema, and answers the store. */
  public static Future<PgOpsStore> create(Vertx vertx, String pgUri) {
    PgConnectOptions options;
    try {
      // Prepared once per connection: an audit entry is written before a REST mutation answers, and
      // preparing it each time cost a round trip of every REST submission's latency. The lists,
      // whose optional filters want a plan for their values, are prepared per execution.
      options = PgPools.connectOptions(pgUri, "stagecoach-ops")
          .setCachePreparedStatements(true)
          .setPreparedStatementCacheSqlFilter(sql -> !sql.equals(OpsQueries.LIST_AUDIT) && !sql.equals(OpsQueries.LIST_ALERTS));
    } catch (StagecoachException malformed) {
      return Future.failedFuture(malformed);
    }
    return PgPools.openMigrated(vertx, options, DEFAULT_POOL_SIZE).map(pool -> new PgOpsStore(pool));
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  // ---- alerts ------------------------------------------------------------------------------------

  @Override
  public Future<Alert> raiseUnlessRecent(Alert a, Duration window) {
    String dedupKey = a.tenant() + "\u001f" + a.type() + "\u001f" + a.subject();
    Tuple params = Tuple.of(UUID.fromString(a.id()), a.tenant(), a.type(), a.subject(), NulCharacters.replaced(a.message()), PgValues.timestamp(a.raisedAt()))
        .addValue(PgValues.timestamp(a.raisedAt().minus(window)));
    return pool.withTransaction(conn -> conn.preparedQuery(OpsQueries.LOCK_ALERT_KEY).execute(Tuple.of(dedupKey))
            .compose(locked -> conn.preparedQuery(OpsQueries.RAISE_ALERT).execute(params)))
        .map(rows -> rows.size() == 0 ? null : a)
        .recover(PgFailures::translate);
  }

  @Override
  public Future<Alert> get(String id) {
    return query(OpsQueries.GET_ALERT, Tuple.of(PgValues.uuid(id))).map(rows -> first(rows, PgOpsStore::alert));
  }

  @Override
  public Future<Page<Alert>> list(String tenant, String beforeId, int limit) {
    return query(OpsQueries.LIST_ALERTS, Tuple.of(tenant, PgValues.uuid(beforeId), limit + 1))
        .map(rows -> page(rows, PgOpsStore::alert, limit, Alert::id));
  }

  @Override
  public Future<Integer> pruneAlerts(Instant before, int limit) {
    return query(OpsQueries.PRUNE_ALERTS, Tuple.of(PgValues.timestamp(before), limit)).map(RowSet::rowCount);
  }

  @Override
  public Future<Alert> acknowledge(String id, String by, Instant at) {
    return query(OpsQueries.ACKNOWLEDGE_ALERT, Tuple.of(PgValues.uuid(id), PgValues.timestamp(at), by)).map(rows -> first(rows, PgOpsStore::alert));
  }

  // ---- audit -------------------------------------------------------------------------------------

  @Override
  public Future<Integer> pruneAudit(Instant before, int limit) {
    return query(OpsQueries.PRUNE_AUDIT, Tuple.of(PgValues.timestamp(before), limit)).map(RowSet::rowCount);
  }

  @Override
  public Future<Void> append(AuditEntry e) {
    Tuple params = Tuple.of(UUID.fromString(e.id()), PgValues.timestamp(e.at()), e.actor(), e.tenant(), e.action(), e.target())
        .addValue(PgText.storable(e.before())).addValue(PgText.storable(e.after()));
    return query(OpsQueries.APPEND_AUDIT, params).mapEmpty();
  }

  @Override
  public Future<Page<AuditEntry>> entries(String tenant, String beforeId, int limit) {
    return query(OpsQueries.LIST_AUDIT, Tuple.of(tenant, PgValues.uuid(beforeId), limit + 1))
        .map(rows -> page(rows, PgOpsStore::auditEntry, limit, AuditEntry::id));
  }

  // ---- rows --------------------------------------------------------------------------------------

  private Future<RowSet<Row>> query(String sql, Tuple params) {
    return pool.preparedQuery(sql).execute(params).recover(PgFailures::translate);
  }

  private static <T> T first(RowSet<Row> rows, Function<Row, T> mapper) {
    return rows.size() == 0 ? null : mapper.apply(rows.iterator().next());
  }

  private static <T> Page<T> page(RowSet<Row> rows, Function<Row, T> mapper, int limit, Function<T, String> key) {
    List<T> fetched = new ArrayList<>();
    rows.forEach(row -> fetched.add(mapper.apply(row)));
    if (fetched.size() <= limit) {
      return new Page<>(List.copyOf(fetched), null);
    }
    List<T> items = List.copyOf(fetched.subList(0, limit));
    return new Page<>(items, key.apply(items.get(limit - 1)));
  }

  private static Alert alert(Row row) {
    return new Alert(row.getUUID("id").toString(), row.getString("tenant"), row.getString("type"),
        row.getString("subject"), row.getString("message"), PgValues.instant(row, "raised_at"), PgValues.instant(row, "acknowledged_at"),
        row.getString("acknowledged_by"));
  }

  private static AuditEntry auditEntry(Row row) {
    return new AuditEntry(row.getUUID("id").toString(), PgValues.instant(row, "at"), row.getString("actor"),
        row.getString("tenant"), row.getString("action"), row.getString("target"), json(row, "before"),
        json(row, "after"));
  }

  private static JsonObject json(Row row, String column) {
    Object value = row.getValue(column);
    return value instanceof JsonObject object ? object : null;
  }








}
