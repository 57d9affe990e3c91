package io.stagecoach.runner;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Runs one attempt of a job on the runner's event loop. It must not block: use
 * {@link BlockingJobHandler} for code that does. The future's value becomes the job's
 * {@code result}; a failure fails the attempt (see {@link JobFailure} for a code of your own).
 */
@FunctionalInterface
public interface JobHandler {
  Future<JsonObject> handle(JobContext context);
}
