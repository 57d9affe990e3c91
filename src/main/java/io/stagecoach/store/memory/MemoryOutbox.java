package io.stagecoach.store.memory;

import io.stagecoach.bus.Event;
import io.stagecoach.bus.EventType;
import io.stagecoach.store.OutboxEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded store's outbox, shared by the job store that fills it and the webhook store that
 * empties it. A job's {@code job.progress} event waiting here is replaced by its next one (latest
 * wins, in the first one's place); every other event waits for its own turn.
 */
public final class MemoryOutbox {
  private final ArrayDeque<Slot> queue = new ArrayDeque<>();
  private final Map<String, Slot> progressByJob = new HashMap<>();
  private long nextSeq = 1;

  private static final class Slot {
    OutboxEntry entry;

    Slot(OutboxEntry entry) {
      this.entry = entry;
    }
  }

  /** Adds the subscribed ones of {@code events}. */
  public synchronized void add(List<Event> events) {
    for (Event event : events) {
      if (!event.subscribed()) {
        continue;
      }
      Slot waiting = event.type() == EventType.JOB_PROGRESS ? progressByJob.get(event.jobId()) : null;
      if (waiting != null) {
        waiting.entry = OutboxEntry.of(waiting.entry.seq(), event);
        continue;
      }
      Slot slot = new Slot(OutboxEntry.of(nextSeq++, event));
      queue.addLast(slot);
      if (event.type() == EventType.JOB_PROGRESS) {
        progressByJob.put(event.jobId(), slot);
      }
    }
  }

  /** Takes up to {@code limit} entries, oldest first; {@link #putBack} returns them if they could not be used. */
  public synchronized List<OutboxEntry> take(int limit) {
    List<OutboxEntry> taken = new ArrayList<>(Math.min(limit, queue.size()));
    while (taken.size() < limit && !queue.isEmpty()) {
      Slot slot = queue.pollFirst();
      if (isProgress(slot.entry)) {
        progressByJob.remove(slot.entry.jobId(), slot);
      }
      taken.add(slot.entry);
    }
    return taken;
  }

  /** Returns taken entries to the front, in their order; a progress entry already superseded by a newer one is dropped. */
  public synchronized void putBack(List<OutboxEntry> entries) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      OutboxEntry entry = entries.get(i);
      if (isProgress(entry)) {
        if (progressByJob.containsKey(entry.jobId())) {
          continue;
        }
        Slot slot = new Slot(entry);
        progressByJob.put(entry.jobId(), slot);
        queue.addFirst(slot);
      } else {
        queue.addFirst(new Slot(entry));
      }
    }
  }

  public synchronized int size() {
    return queue.size();
  }

  private static boolean isProgress(OutboxEntry entry) {
    return EventType.JOB_PROGRESS.wire().equals(entry.type());
  }
}
