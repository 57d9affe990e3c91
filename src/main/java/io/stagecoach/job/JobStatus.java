package io.stagecoach.job;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job's lifecycle state, lower-case on the wire. The legal moves are one table, checked by
 * {@link Job#moveTo}.
 */
public enum JobStatus {
  /** Waiting for {@code runAt} and a free worker; a runner's claim moves it to running. */
  QUEUED,
  /** Held by a runner under a lease; ends succeeded, failed, cancelled, or queued for a retry. */
  RUNNING,
  /** Cancel was asked while running; the handler is told, and the job ends cancelled. */
  CANCELLING,
  /** Terminal: the handler returned a result. */
  SUCCEEDED,
  /** The last attempt failed; {@code POST /retry} may queue it again. */
  FAILED,
  /** Cancelled; {@code POST /retry} may queue it again. */
  CANCELLED;

  private static final Map<JobStatus, Set<JobStatus>> MOVES = Map.of(
      QUEUED, EnumSet.of(RUNNING, CANCELLED),
      RUNNING, EnumSet.of(SUCCEEDED, FAILED, QUEUED, CANCELLING, CANCELLED),
      CANCELLING, EnumSet.of(CANCELLED),
      SUCCEEDED, EnumSet.noneOf(JobStatus.class),
      FAILED, EnumSet.of(QUEUED),
      CANCELLED, EnumSet.of(QUEUED));

  /** Queued, running or cancelling: not finished (what {@code GET /metrics} counts in the store). */
  public static final List<JobStatus> UNFINISHED = Arrays.stream(values()).filter(s -> !s.isTerminal()).toList();

  private final String wire = name().toLowerCase();

  public String wire() {
    return wire;
  }

  public boolean canMoveTo(JobStatus next) {
    return MOVES.get(this).contains(next);
  }

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /** Running or cancelling: a runner holds a lease on the job. */
  public boolean isActive() {
    return this == RUNNING || this == CANCELLING;
  }

  public static JobStatus fromWire(String s) {
    for (JobStatus status : values()) {
      if (status.wire.equals(s)) {
        return status;
      }
    }
    throw StagecoachException.invalidInput("status", "unknown status '" + s + "'");
  }
}
