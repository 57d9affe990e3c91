package io.stagecoach.bus;

import java.util.EnumMap;
import java.util.Map;

/** Every event-bus address Stagecoach uses; no address literal appears anywhere else. */
public final class Addresses {
  private static final String PREFIX = "stagecoach.";

  /** Request/reply: job operations, served by the runner verticle's job service. */
  public static final String JOBS_SUBMIT = PREFIX + "jobs.submit";
  public static final String JOBS_SUBMIT_BATCH = PREFIX + "jobs.submit.batch";
  public static final String JOBS_GET = PREFIX + "jobs.get";
  public static final String JOBS_LIST = PREFIX + "jobs.list";
  public static final String JOBS_CANCEL = PREFIX + "jobs.cancel";
  public static final String JOBS_RETRY = PREFIX + "jobs.retry";
  public static final String JOBS_LOGS = PREFIX + "jobs.logs";
  public static final String JOB_TYPES = PREFIX + "jobs.types";
  public static final String HEALTH = PREFIX + "health";
  /** Jobs not finished, per status, of every tenant: {@code {"queued": n, "running": n, "cancelling": n}}. */
  public static final String JOBS_COUNT = PREFIX + "jobs.count";

  /** Remote workers report stages, progress, params and logs here. */
  public static final String JOBS_REPORT = PREFIX + "jobs.report";

  /** Published events: all of them, per job ({@link #jobEvents}) and per type ({@link #eventsOfType}). */
  public static final String EVENTS = PREFIX + "events";
  /** Published (no body) once a write has recorded events in the outbox: the webhook relay looks at once. */
  public static final String OUTBOX_WAKE = PREFIX + "outbox.wake";

  /** Published by a remote worker to announce the job type it serves. */
  public static final String TYPES_ANNOUNCE = PREFIX + "types.announce";
  /** Published by a runner at start so that remote workers announce themselves again. */
  public static final String TYPES_DISCOVER = PREFIX + "types.discover";

  /** Published when a job becomes due or a worker should look again for work. */
  public static final String RUNNER_WAKE = PREFIX + "runner.wake";
  /** Published with a job id when a running job is asked to cancel. */
  public static final String RUNNER_CANCEL = PREFIX + "runner.cancel";

  /** Request/reply: webhook subscriptions and deliveries, served by the webhook dispatcher verticle. */
  public static final String WEBHOOKS_CREATE = PREFIX + "webhooks.create";
  public static final String WEBHOOKS_LIST = PREFIX + "webhooks.list";
  public static final String WEBHOOKS_GET = PREFIX + "webhooks.get";
  public static final String WEBHOOKS_DELETE = PREFIX + "webhooks.delete";
  public static final String WEBHOOKS_ROTATE_SECRET = PREFIX + "webhooks.rotateSecret";
  public static final String WEBHOOKS_ENABLE = PREFIX + "webhooks.enable";
  public static final String WEBHOOKS_DELIVERIES = PREFIX + "webhooks.deliveries";
  public static final String WEBHOOKS_REDELIVER = PREFIX + "webhooks.redeliver";
  public static final String WEBHOOKS_PING = PREFIX + "webhooks.ping";

  /** Published with {@code {tenant, type, subject, message}}: a condition the alerts verticle raises (with dedup). */
  public static final String ALERTS_RAISE = PREFIX + "alerts.raise";
  /** Request/reply: alerts and the audit log, served by the ops verticle. */
  public static final String ALERTS_LIST = PREFIX + "alerts.list";
  public static final String ALERTS_ACK = PREFIX + "alerts.ack";
  public static final String AUDIT_RECORD = PREFIX + "audit.record";
  public static final String AUDIT_LIST = PREFIX + "audit.list";

  /** Request/reply: the lock manager. */
  public static final String LOCKS_ACQUIRE = PREFIX + "locks.acquire";
  public static final String LOCKS_RENEW = PREFIX + "locks.renew";
  public static final String LOCKS_RELEASE = PREFIX + "locks.release";
  public static final String LOCKS_LIST = PREFIX + "locks.list";
  public static final String LOCKS_FORCE_RELEASE = PREFIX + "locks.forceRelease";
  public static final String LOCKS_PING = PREFIX + "locks.ping";
  /** Published with {@code {"key"}} whenever a lock is released or expires. */
  public static final String LOCKS_RELEASED = PREFIX + "locks.released";

  private Addresses() {
  }

  /** Events of one job. */
  public static String jobEvents(String jobId) {
    return EVENTS + ".job." + jobId;
  }

  /** Events of one type, such as {@code job.failed}: for consumers that want a few types of many. */
  public static String eventsOfType(EventType type) {
    return TYPE_ADDRESSES.get(type); // made once: every event is published to its type's address
  }

  private static final Map<EventType, String> TYPE_ADDRESSES = new EnumMap<>(EventType.class);

  static {
    for (EventType type : EventType.values()) {
      TYPE_ADDRESSES.put(type, EVENTS + ".type." + type.wire());
    }
  }

  /** Where a remote worker serving {@code type} consumes jobs. */
  public static String work(String type) {
    return PREFIX + "work." + type;
  }

  /** A runner's own address, to which reports about its jobs are forwarded. */
  public static String runnerReports(String runnerId) {
    return JOBS_REPORT + "." + runnerId;
  }
}
