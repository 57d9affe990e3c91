package io.stagecoach.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One step of a job, with its own status, progress and params. Mutable; owned by one {@link Job}. */
public final class Stage {
  private final String key;
  private final String name;
  private final double weight;
  private StageStatus status = StageStatus.PENDING;
  private double progress;
  private Instant startedAt;
  private Instant finishedAt;
  private final List<Param> params = new ArrayList<>();

  public Stage(String key, String name, double weight) {
    this.key = key;
    this.name = name;
    this.weight = weight;
  }

  public Stage copy() {
    Stage copy = new Stage(key, name, weight);
    copy.status = status;
    copy.progress = progress;
    copy.startedAt = startedAt;
    copy.finishedAt = finishedAt;
    copy.params.addAll(params);
    return copy;
  }

  public void start(Instant now) {
    status = StageStatus.RUNNING;
    startedAt = now;
    finishedAt = null;
  }

  /** Ends the stage; a succeeded stage is complete, whatever progress it last reported. */
  public void finish(StageStatus end, Instant now) {
    status = end;
    finishedAt = now;
    if (end == StageStatus.SUCCEEDED) {
      progress = 1.0;
    }
  }

  public void reset() {
    status = StageStatus.PENDING;
    progress = 0;
    startedAt = null;
    finishedAt = null;
    params.clear();
  }

  public void setProgress(double value) {
    progress = Math.max(0, Math.min(1, value));
  }

  /** Sets a param; a name seen before keeps its place and takes the new value. */
  public void setParam(String paramName, Object value) {
    Param param = Param.of(paramName, value);
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i).key().equals(param.key())) {
        params.set(i, param);
        return;
      }
    }
    params.add(param);
  }

  /** What this stage contributes to the job's progress: done stages count as complete. */
  double effectiveProgress() {
    return status.isDone() ? 1.0 : progress;
  }

  public String key() {
    return key;
  }

  public String name() {
    return name;
  }

  public double weight() {
    return weight;
  }

  public StageStatus status() {
    return status;
  }

  public double progress() {
    return progress;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant finishedAt() {
    return finishedAt;
  }

  public List<Param> params() {
    return params;
  }

  void restore(StageStatus status, double progress, Instant startedAt, Instant finishedAt, List<Param> params) {
    this.status = status;
    this.progress = progress;
    this.startedAt = startedAt;
    this.finishedAt = finishedAt;
    this.params.clear();
    this.params.addAll(params);
  }
}
