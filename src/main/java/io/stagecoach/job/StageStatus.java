package io.stagecoach.job;

/** A stage's state, lower-case on the wire. */
public enum StageStatus {
  PENDING, RUNNING, SUCCEEDED, FAILED, SKIPPED, CANCELLED;

  private final String wire = name().toLowerCase();

  public String wire() {
    return wire;
  }

  public boolean isDone() {
    return this == SUCCEEDED || this == SKIPPED;
  }

  public static StageStatus fromWire(String s) {
    for (StageStatus status : values()) {
      if (status.wire.equals(s)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown stage status " + s);
  }
}
