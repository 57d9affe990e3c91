package io.stagecoach.store.pg;

import io.stagecoach.bus.Event;
import io.stagecoach.bus.EventType;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes events to the outbox table ({@link JobQueries#INSERT_OUTBOX}, or as part of
 * {@link JobQueries#WRITE_BATCH}), inside the caller's transaction.
 */
final class OutboxRows {
  private OutboxRows() {
  }

  /** Records the subscribed ones of {@code events} in one statement; nothing at all when none is. */
  static Future<Void> record(SqlClient conn, List<Event> events) {
    Object[] columns = columns(events);
    if (((String[]) columns[0]).length == 0) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(JobQueries.INSERT_OUTBOX).execute(Tuple.wrap(columns)).mapEmpty();
  }

  /** The outbox columns of the subscribed ones of {@code events}: ids, tenants, types, job ids, bodies. */
  static Object[] columns(List<Event> events) {
    List<Event> kept = kept(events);
    int n = kept.size();
    String[] ids = new String[n];
    String[] tenants = new String[n];
    String[] types = new String[n];
    UUID[] jobIds = new UUID[n];
    String[] bodies = new String[n];
    for (int i = 0; i < n; i++) {
      Event event = kept.get(i);
      ids[i] = event.id();
      tenants[i] = event.tenant();
      types[i] = event.type().wire();
      jobIds[i] = event.jobId() == null ? null : UUID.fromString(event.jobId());
      bodies[i] = event.body();
    }
    return new Object[] {ids, tenants, types, jobIds, bodies};
  }

  /**
   * The subscribed events, with only the last {@code job.progress} of each job: one statement may
   * not insert and then replace the same row.
   */
  private static List<Event> kept(List<Event> events) {
    Map<String, Integer> lastProgress = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      Event event = events.get(i);
      if (event.subscribed() && event.type() == EventType.JOB_PROGRESS) {
        lastProgress.put(event.jobId(), i);
      }
    }
    List<Event> kept = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Event event = events.get(i);
      boolean latest = event.type() != EventType.JOB_PROGRESS || Integer.valueOf(i).equals(lastProgress.get(event.jobId()));
      if (event.subscribed() && latest) {
        kept.add(event);
      }
    }
    return kept;
  }
}
