package io.stagecoach.store;

import io.stagecoach.job.JobStatus;
import java.util.Map;

/**
 * A page request over jobs, newest first. Null filters match everything; {@code afterId} is
 * the last id of the previous page.
 */
public record JobQuery(String tenant, JobStatus status, String type, Map<String, String> labels,
    String afterId, int limit) {

  public static final int MAX_LIMIT = 500;
  public static final int DEFAULT_LIMIT = 50;
}
