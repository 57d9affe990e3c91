package io.stagecoach.ops;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.EventInterest;
import io.stagecoach.bus.JobEvents;
import io.stagecoach.bus.RequestReply;
import io.stagecoach.config.AlertConfig;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.RetentionPruner;
import io.stagecoach.store.Page;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Alerts and the audit log: raises alerts through its {@link Alerter} from job events and from
 * {@link Addresses#ALERTS_RAISE}, and serves {@link AlertClient} and {@link AuditClient}. Requests
 * carry a {@code scope}: the tenant the caller may see, or null for an operator's view of every
 * tenant; an alert outside the scope is {@code not_found}, as one that does not exist.
 */
public final class OpsVerticle extends VerticleBase {
  private final AlertConfig config;
  private final AlertStore alerts;
  private final AuditStore audit;
  private final Clock clock;
  private final JobStore outbox;
  private final EventInterest interest;
  private final List<Long> pruneTimers = new ArrayList<>();

  /** {@code outbox}: the job store, which records {@code alert.raised} for webhooks when {@code interest} says so. */
  public OpsVerticle(AlertConfig config, AlertStore alerts, AuditStore audit, Clock clock, JobStore outbox,
      EventInterest interest) {
    this.outbox = outbox;
    this.interest = interest;
    this.config = config;
    this.alerts = alerts;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    Alerter alerter = new Alerter(config, alerts, new JobEvents(bus, clock, interest), outbox, clock);
    // Only the types the alerter counts: every job's queued and started events would be wasted trips.
    List<MessageConsumer<JsonObject>> events = Alerter.WATCHED.stream()
        .map(type -> bus.<JsonObject>consumer(Addresses.eventsOfType(type), m -> alerter.onEvent(m.body())))
        .toList();
    MessageConsumer<JsonObject> raises = bus.consumer(Addresses.ALERTS_RAISE, m -> alerter.onRaise(m.body()));
    List<Future<?>> ready = new ArrayList<>();
    events.forEach(consumer -> ready.add(consumer.completion()));
    ready.addAll(List.of(
        raises.completion(),
        serve(bus, Addresses.ALERTS_LIST, this::listAlerts),
        serve(bus, Addresses.ALERTS_ACK, this::acknowledge),
        serve(bus, Addresses.AUDIT_RECORD, this::record),
        serve(bus, Addresses.AUDIT_LIST, this::listAudit)));
    // Alerts and audit entries past alerts.retentionMs.
    pruneTimers.add(new RetentionPruner("alerts", alerts::pruneAlerts, config.retention(), clock).schedule(vertx));
    pruneTimers.add(new RetentionPruner("audit entries", audit::pruneAudit, config.retention(), clock).schedule(vertx));
    return Future.all(ready);
  }

  @Override
  public Future<?> stop() {
    pruneTimers.forEach(vertx::cancelTimer);
    return Future.succeededFuture();
  }

  private static Future<Void> serve(EventBus bus, String address, Function<JsonObject, Future<JsonObject>> handler) {
    return RequestReply.serve(bus, address, handler).completion();
  }

  private Future<JsonObject> listAlerts(JsonObject request) {
    return alerts.list(request.getString("scope"), cursor(request), limit(request))
        .map(page -> page(page, Alert::toJson));
  }

  private Future<JsonObject> acknowledge(JsonObject request) {
    String scope = request.getString("scope");
    String id = request.getString("id");
    String by = request.getString("by");
    if (by == null || by.isEmpty()) {
      throw StagecoachException.invalidInput("by", "is required");
    }
    return alerts.get(id)
        .compose(alert -> alert == null || (scope != null && !scope.equals(alert.tenant()))
            ? Future.failedFuture(StagecoachException.notFound("alert " + id))
            : alerts.acknowledge(id, by, clock.instant()))
        .map(Alert::toJson);
  }

  private Future<JsonObject> record(JsonObject request) {
    AuditEntry entry = new AuditEntry(JobIds.next(), clock.instant(), required(request, "actor"),
        required(request, "tenant"), required(request, "action"), request.getString("target"),
        request.getJsonObject("before"), request.getJsonObject("after"));
    return audit.append(entry).map(v -> new JsonObject().put("id", entry.id()));
  }

  private Future<JsonObject> listAudit(JsonObject request) {
    return audit.entries(request.getString("scope"), cursor(request), limit(request))
        .map(page -> page(page, AuditEntry::toJson));
  }

  private static <T> JsonObject page(Page<T> page, Function<T, JsonObject> toJson) {
    JsonArray items = new JsonArray();
    page.items().forEach(item -> items.add(toJson.apply(item)));
    return new JsonObject().put("items", items).put("nextCursor", page.lastKey());
  }

  private static String cursor(JsonObject request) {
    String cursor = request.getString("cursor");
    if (cursor != null && !JobIds.isValid(cursor)) {
      throw StagecoachException.invalidInput("cursor", "is not a cursor this API gave out");
    }
    return cursor;
  }

  private static int limit(JsonObject request) {
    return Math.max(1, Math.min(500, request.getInteger("limit", 50)));
  }

  private static String required(JsonObject request, String field) {
    String value = request.getString(field);
    if (value == null || value.isEmpty()) {
      throw StagecoachException.invalidInput(field, "is required");
    }
    return value;
  }
}
