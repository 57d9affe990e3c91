package io.stagecoach.store;

import io.stagecoach.bus.Event;
import java.time.Instant;
import java.util.List;

/** A claimed attempt that is about to run its handler, as {@link JobStore#startAttempts} records it. */
public record AttemptStart(String jobId, Instant at, List<Event> events) {
}
