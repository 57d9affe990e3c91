package io.stagecoach.runner;

import io.vertx.core.json.JsonObject;

/**
 * Runs one attempt of a job on a worker thread, where blocking is allowed. A cancelled or
 * timed-out job's thread is interrupted. The return value becomes the job's {@code result}.
 */
@FunctionalInterface
public interface BlockingJobHandler {
  JsonObject handle(JobContext context) throws Exception;
}
