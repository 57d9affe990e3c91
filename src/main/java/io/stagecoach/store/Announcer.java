package io.stagecoach.store;

import io.stagecoach.bus.Event;
import io.stagecoach.job.Job;
import java.util.List;

/**
 * The events a store write announces, made from the job as the write leaves it. The store calls
 * it inside the write, only when the write changed the job, and records the subscribed events in
 * its outbox with the change, atomically (the same transaction on PostgreSQL): a change is never
 * stored without its events, nor an event without its change.
 */
@FunctionalInterface
public interface Announcer {
  Announcer NONE = job -> List.of();

  List<Event> announce(Job stored);
}
