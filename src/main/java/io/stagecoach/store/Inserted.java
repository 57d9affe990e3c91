package io.stagecoach.store;

import io.stagecoach.job.Job;

/** The job a submission led to: new ({@code created}) or an idempotent replay of an existing one. */
public record Inserted(Job job, boolean created) {
}
