package io.stagecoach.runner;

import io.stagecoach.bus.JobEvents;
import io.stagecoach.config.RunnerConfig;
import io.stagecoach.lock.LockClient;
import io.stagecoach.metrics.EngineMetrics;
import io.stagecoach.store.AttemptStart;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.JobWrite;
import io.stagecoach.store.WriteResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;

/**
 * What every {@link JobRun} of one runner shares: among it the batchers of attempts' starts
 * ({@link JobStore#startAttempts}) and ends ({@link JobStore#writeAll}).
 */
record RunnerDeps(Vertx vertx, Context context, String runnerId, JobStore store, JobEvents events,
    LockClient locks, Duration lockTtl, RunnerConfig config, Clock clock, WorkerExecutor workers,
    Batcher<AttemptStart, Boolean> starts, Batcher<JobWrite, WriteResult> ends, EngineMetrics metrics) {
}
