package io.stagecoach.ops;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.Event;
import io.stagecoach.bus.EventType;
import io.stagecoach.bus.JobEvents;
import io.stagecoach.config.AlertConfig;
import io.stagecoach.job.JobError;
import io.stagecoach.job.JobIds;
import io.stagecoach.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches job events and raises alerts: {@code job.failing} when one tenant's job type has failed
 * {@code failuresInARow} attempts in a row ({@code job.retrying} and {@code job.failed} count, a
 * {@code job.succeeded} of the type starts the count again; a {@code lock_lost} attempt, the lock
 * backend's failure, does neither), {@code job.timeout} when an attempt
 * failed with the error code {@code timeout}; and whatever is published on
 * {@link Addresses#ALERTS_RAISE} (the dispatcher's {@code webhook.disabled}).
 *
 * <p>Each alert goes through {@link AlertStore#raiseUnlessRecent}, which drops a duplicate of the
 * same tenant, type and subject within the dedup window; a stored alert is announced as
 * {@code alert.raised}, in the envelope of job events: recorded in the outbox for webhooks, then
 * published on {@link Addresses#EVENTS}. (The alert and its outbox row are two writes: a crash
 * between them loses the webhook delivery of that alert, never a job's event.) The counts live in this process: with several engines, each counts the attempts it
 * ran. Runs on its verticle's event loop only.
 */
final class Alerter {
  private static final Logger LOG = LoggerFactory.getLogger(Alerter.class);

  /** The event types {@link #onEvent} counts; it needs no other. */
  static final List<EventType> WATCHED = List.of(EventType.JOB_SUCCEEDED, EventType.JOB_FAILED, EventType.JOB_RETRYING);

  private final AlertConfig config;
  private final AlertStore store;
  private final JobEvents events;
  private final JobStore outbox;
  private final Clock clock;
  /** Failed attempts in a row by tenant and job type. */
  private final Map<String, Integer> failuresInARow = new HashMap<>();

  Alerter(AlertConfig config, AlertStore store, JobEvents events, JobStore outbox, Clock clock) {
    this.config = config;
    this.store = store;
    this.events = events;
    this.outbox = outbox;
    this.clock = clock;
  }

  /** One event of a {@link #WATCHED} type (others are ignored). */
  void onEvent(JsonObject event) {
    String type = event.getString("type");
    if (failuresInARow.isEmpty() && EventType.JOB_SUCCEEDED.wire().equals(type)) {
      return; // the usual case, once per job: no count to start again
    }
    String tenant = event.getString("tenant");
    JsonObject job = event.getValue("data") instanceof JsonObject data ? data : null;
    if (type == null || tenant == null || job == null || job.getString("type") == null) {
      return;
    }
    String jobType = job.getString("type");
    String key = tenant + "\u0000" + jobType;
    if (type.equals(EventType.JOB_SUCCEEDED.wire())) {
      failuresInARow.remove(key);
      return;
    }
    if (!type.equals(EventType.JOB_FAILED.wire()) && !type.equals(EventType.JOB_RETRYING.wire())) {
      return;
    }
    JsonObject error = job.getValue("error") instanceof JsonObject e ? e : new JsonObject();
    if (JobError.LOCK_LOST.equals(error.getString("code"))) {
      return; // the lock backend failed the attempt, not the job type
    }
    if (JobError.TIMEOUT.equals(error.getString("code"))) {
      raise(tenant, Alert.JOB_TIMEOUT, job.getString("id"), "job " + job.getString("id") + " (" + jobType
          + ") timed out: " + error.getString("message"));
    }
    int failures = failuresInARow.merge(key, 1, Integer::sum);
    if (failures >= config.failuresInARow()) {
      failuresInARow.remove(key);
      raise(tenant, Alert.JOB_FAILING, jobType, "job type " + jobType + " failed " + failures
          + " attempts in a row; the last: " + error.getString("code") + ": " + error.getString("message"));
    }
  }

  /** A raise request from {@link Addresses#ALERTS_RAISE}: {@code {tenant, type, subject, message}}. */
  void onRaise(JsonObject request) {
    String tenant = request.getString("tenant");
    String type = request.getString("type");
    String subject = request.getString("subject");
    if (tenant == null || type == null || subject == null) {
      LOG.warn("an alert without tenant, type or subject was dropped: {}", request.encode());
      return;
    }
    raise(tenant, type, subject, request.getString("message", type + " " + subject));
  }

  /** Stores the alert unless it is a duplicate, then publishes it; a store failure is logged, never thrown. */
  Future<Alert> raise(String tenant, String type, String subject, String message) {
    Alert alert = Alert.raised(JobIds.next(), tenant, type, subject, message, clock.instant());
    return store.raiseUnlessRecent(alert, config.dedupWindow())
        .compose(stored -> {
          if (stored == null) {
            return Future.succeededFuture(null);
          }
          LOG.warn("alert {} raised for tenant {}: {}", type, tenant, message);
          Event raised = events.of(EventType.ALERT_RAISED, tenant, stored.toJson());
          return outbox.announce(List.of(raised)).map(v -> {
            events.publish(raised);
            return stored;
          });
        })
        .onFailure(e -> LOG.warn("alert {} of {} for tenant {} could not be stored: {}", type, subject, tenant,
            e.getMessage()));
  }
}
