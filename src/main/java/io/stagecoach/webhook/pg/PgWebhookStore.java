package io.stagecoach.webhook.pg;

import io.stagecoach.job.StagecoachException;
import io.stagecoach.store.OutboxEntry;
import io.stagecoach.store.Page;
import io.stagecoach.webhook.Attempt;
import io.stagecoach.webhook.Delivery;
import io.stagecoach.webhook.DeliveryStatus;
import io.stagecoach.webhook.Subscription;
import io.stagecoach.webhook.WebhookStore;
import io.stagecoach.store.pg.PgFailures;
import io.stagecoach.store.pg.PgPools;
import io.stagecoach.store.pg.PgValues;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Webhooks in PostgreSQL (migration {@code V003__webhooks.sql}), shared by every engine process:
 * a pending delivery outlives the process that enqueued it, and {@link #claimDue} hands each due
 * delivery to one process at a time. A database that cannot be reached fails calls {@code unavailable}.
 */
public final class PgWebhookStore implements WebhookStore {
  /** Connections in the pool. Defaults to 4. */
  public static final int DEFAULT_POOL_SIZE = 4;

  private final Pool pool;
  private final Clock clock;

  private PgWebhookStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Connects to {@code pgUri}, migrates the schema, and answers the store. */
  public static Future<PgWebhookStore> create(Vertx vertx, String pgUri, Clock clock) {
    PgConnectOptions options;
    try {
      options = PgPools.connectOptions(pgUri, "stagecoach-webhooks");
    } catch (StagecoachException malformed) {
      return Future.failedFuture(malformed);
    }
    return PgPools.openMigrated(vertx, options, DEFAULT_POOL_SIZE).map(pool -> new PgWebhookStore(pool, clock));
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  @Override
  public Future<Subscription> create(Subscription s, int maxPerTenant) {
    Tuple params = Tuple.of(UUID.fromString(s.id()), s.tenant(), s.url(), new JsonArray(s.events()), s.description(),
        PgValues.timestamp(s.createdAt()))
        .addValue(PgValues.timestamp(s.disabledAt())).addValue(s.disabledReason()).addValue(PgValues.timestamp(s.failingSince()))
        .addValue(s.secret()).addValue(s.previousSecret()).addValue(PgValues.timestamp(s.previousSecretExpiresAt()))
        .addValue(maxPerTenant);
    return pool.withTransaction(conn -> conn.preparedQuery(WebhookQueries.LOCK_TENANT).execute(Tuple.of(s.tenant()))
            .compose(locked -> conn.preparedQuery(WebhookQueries.INSERT_SUBSCRIPTION).execute(params)))
        .recover(PgFailures::translate)
        .map(rows -> rows.rowCount() == 1 ? s : null);
  }

  @Override
  public Future<Subscription> get(String id) {
    return query(WebhookQueries.GET_SUBSCRIPTION, Tuple.of(PgValues.uuid(id))).map(PgWebhookStore::firstSubscription);
  }

  @Override
  public Future<Page<Subscription>> list(String tenant, String afterId, int limit) {
    return query(WebhookQueries.LIST_SUBSCRIPTIONS, Tuple.of(tenant, PgValues.uuid(afterId), limit + 1)).map(rows -> {
      List<Subscription> items = new ArrayList<>();
      rows.forEach(row -> items.add(subscription(row)));
      return page(items, limit, Subscription::id);
    });
  }

  @Override
  public Future<List<Subscription>> active(String tenant) {
    return query(WebhookQueries.ACTIVE_SUBSCRIPTIONS, Tuple.of(tenant)).map(rows -> {
      List<Subscription> items = new ArrayList<>();
      rows.forEach(row -> items.add(subscription(row)));
      return items;
    });
  }

  @Override
  public Future<Boolean> delete(String id) {
    return query(WebhookQueries.DELETE_SUBSCRIPTION, Tuple.of(PgValues.uuid(id))).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Subscription> rotateSecret(String id, String secret, Instant previousExpiresAt) {
    return query(WebhookQueries.ROTATE_SECRET, Tuple.of(PgValues.uuid(id), secret, PgValues.timestamp(previousExpiresAt)))
        .map(PgWebhookStore::firstSubscription);
  }

  @Override
  public Future<Void> markFailing(String id, Instant at) {
    return query(WebhookQueries.MARK_FAILING, Tuple.of(PgValues.uuid(id), PgValues.timestamp(at))).mapEmpty();
  }

  @Override
  public Future<Void> markHealthy(String id) {
    return query(WebhookQueries.MARK_HEALTHY, Tuple.of(PgValues.uuid(id))).mapEmpty();
  }

  @Override
  public Future<Boolean> disable(String id, Instant at, String reason) {
    return query(WebhookQueries.DISABLE, Tuple.of(PgValues.uuid(id), PgValues.timestamp(at), reason)).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Subscription> enable(String id) {
    return query(WebhookQueries.ENABLE, Tuple.of(PgValues.uuid(id))).map(PgWebhookStore::firstSubscription);
  }

  @Override
  public Future<Void> enqueue(List<Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      return Future.succeededFuture();
    }
    return insertDeliveries(pool, deliveries).recover(PgFailures::translate);
  }

  private static Future<Void> insertDeliveries(SqlClient client, List<Delivery> deliveries) {
    List<Tuple> batch = deliveries.stream().map(d -> Tuple.of(PgValues.uuid(d.id()), PgValues.uuid(d.webhookId()), d.tenant(),
            d.eventId(), d.eventType(), d.body(), d.status().wire(), d.attempts(), PgValues.timestamp(d.nextAttemptAt()),
            PgValues.timestamp(d.createdAt()), PgValues.timestamp(d.finishedAt())))
        .toList();
    return client.preparedQuery(WebhookQueries.INSERT_DELIVERY).executeBatch(batch).mapEmpty();
  }

  @Override
  public Future<List<Delivery>> relay(int limit, Function<List<OutboxEntry>, Future<List<Delivery>>> fanOut) {
    return pool.withTransaction(conn -> conn.preparedQuery(WebhookQueries.TAKE_OUTBOX).execute(Tuple.of(limit))
            .compose(rows -> {
              List<OutboxEntry> taken = new ArrayList<>(rows.size());
              for (Row row : rows) {
                UUID jobId = row.getUUID("job_id");
                taken.add(new OutboxEntry(row.getLong("seq"), row.getString("event_id"), row.getString("tenant"),
                    row.getString("type"), jobId == null ? null : jobId.toString(), row.getString("body")));
              }
              if (taken.isEmpty()) {
                return Future.succeededFuture(List.<Delivery>of());
              }
              taken.sort(Comparator.comparingLong(OutboxEntry::seq));
              return fanOut.apply(taken).compose(made -> made.isEmpty()
                  ? Future.succeededFuture(made)
                  : insertDeliveries(conn, made).map(made));
            }))
        .recover(PgFailures::translate);
  }

  @Override
  public Future<Delivery> delivery(String id) {
    return query(WebhookQueries.GET_DELIVERY, Tuple.of(PgValues.uuid(id))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      return withLogs(List.of(delivery(rows.iterator().next()))).map(list -> list.get(0));
    });
  }

  @Override
  public Future<Page<Delivery>> deliveries(String webhookId, String beforeId, int limit) {
    return query(WebhookQueries.LIST_DELIVERIES, Tuple.of(PgValues.uuid(webhookId), PgValues.uuid(beforeId), limit + 1))
        .compose(rows -> {
          List<Delivery> items = new ArrayList<>();
          rows.forEach(row -> items.add(delivery(row)));
          Page<Delivery> page = page(items, limit, Delivery::id);
          return withLogs(page.items()).map(logged -> new Page<>(logged, page.lastKey()));
        });
  }

  private Future<List<Delivery>> withLogs(List<Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      return Future.succeededFuture(deliveries);
    }
    UUID[] ids = deliveries.stream().map(d -> UUID.fromString(d.id())).toArray(UUID[]::new);
    return query(WebhookQueries.ATTEMPTS_OF, Tuple.of(ids)).map(rows -> {
      Map<String, List<Attempt>> logs = new HashMap<>();
      for (Row row : rows) {
        logs.computeIfAbsent(row.getUUID("delivery_id").toString(), k -> new ArrayList<>()).add(new Attempt(
            row.getInteger("number"), PgValues.instant(row, "at"), row.getInteger("status_code"), row.getLong("latency_ms"),
            row.getString("error"), row.getString("address"), row.getString("response")));
      }
      return deliveries.stream().map(d -> d.withLog(logs.getOrDefault(d.id(), List.of()))).toList();
    });
  }

  @Override
  public Future<List<Delivery>> claimDue(Instant now, Instant leaseUntil, int limit) {
    return query(WebhookQueries.CLAIM_DUE, Tuple.of(PgValues.timestamp(now), PgValues.timestamp(leaseUntil), limit)).map(rows -> {
      List<Delivery> items = new ArrayList<>();
      rows.forEach(row -> items.add(delivery(row)));
      return items;
    });
  }

  @Override
  public Future<Void> recordAttempt(String deliveryId, Attempt attempt, DeliveryStatus status, Instant nextAttemptAt) {
    UUID id = PgValues.uuid(deliveryId);
    boolean pending = status == DeliveryStatus.PENDING;
    Tuple settle = Tuple.of(id, attempt == null ? 0 : 1, status.wire(), pending ? PgValues.timestamp(nextAttemptAt) : null,
        pending ? null : PgValues.timestamp(clock.instant()));
    return pool.withTransaction(conn -> {
      Future<?> logged = attempt == null ? Future.succeededFuture()
          : conn.preparedQuery(WebhookQueries.INSERT_ATTEMPT).execute(Tuple.of(id, PgValues.timestamp(attempt.at()), attempt.statusCode(),
              attempt.latencyMs(), attempt.error(), attempt.address(), attempt.response()));
      return logged.compose(v -> conn.preparedQuery(WebhookQueries.SETTLE_DELIVERY).execute(settle));
    }).recover(PgFailures::translate).mapEmpty();
  }

  @Override
  public Future<Integer> pruneDeliveries(Instant finishedBefore, int limit) {
    return query(WebhookQueries.PRUNE_DELIVERIES, Tuple.of(PgValues.timestamp(finishedBefore), limit)).map(RowSet::rowCount);
  }

  // ---- rows ------------------------------------------------------------------------------------

  private Future<RowSet<Row>> query(String sql, Tuple params) {
    return pool.preparedQuery(sql).execute(params).recover(PgFailures::translate);
  }

  private static <T> Page<T> page(List<T> fetched, int limit, java.util.function.Function<T, String> key) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, null);
    }
    List<T> items = fetched.subList(0, limit);
    return new Page<>(List.copyOf(items), key.apply(items.get(limit - 1)));
  }

  private static Subscription firstSubscription(RowSet<Row> rows) {
    return rows.size() == 0 ? null : subscription(rows.iterator().next());
  }

  private static Subscription subscription(Row row) {
    JsonArray events = (JsonArray) row.getValue("events");
    List<String> filters = new ArrayList<>();
    events.forEach(e -> filters.add((String) e));
    return new Subscription(row.getUUID("id").toString(), row.getString("tenant"), row.getString("url"), filters,
        row.getString("description"), PgValues.instant(row, "created_at"), PgValues.instant(row, "disabled_at"),
        row.getString("disabled_reason"), PgValues.instant(row, "failing_since"), row.getString("secret"),
        row.getString("previous_secret"), PgValues.instant(row, "previous_secret_expires_at"));
  }

  private static Delivery delivery(Row row) {
    return new Delivery(row.getUUID("id").toString(), row.getUUID("webhook_id").toString(), row.getString("tenant"),
        row.getString("event_id"), row.getString("event_type"), row.getString("body"),
        DeliveryStatus.fromWire(row.getString("status")), row.getInteger("attempts"), PgValues.instant(row, "next_attempt_at"),
        PgValues.instant(row, "created_at"), PgValues.instant(row, "finished_at"), List.of());
  }








}
