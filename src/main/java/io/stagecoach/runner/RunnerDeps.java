package io.stagecoach.runner;

import io.stagecoach.bus.JobEvents;
import io.stagecoach.config.RunnerConfig;
import io.stagecoach.lock.LockClient;
import io.stagecoach.metrics.EngineMetrics;
import io.stagecoach.store.JobStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;

/** What every {@link JobRun} of one runner shares. */
record RunnerDeps(Vertx vertx, Context context, String runnerId, JobStore store, JobEvents events,
    LockClient locks, Duration lockTtl, RunnerConfig config, Clock clock, WorkerExecutor workers,
    EndWriter endWriter, EngineMetrics metrics) {
}
