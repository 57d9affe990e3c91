package io.stagecoach.api;

import io.stagecoach.client.JobClient;
import io.stagecoach.job.JobStatus;
import io.stagecoach.metrics.EngineMetrics;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code GET /metrics}: this process's metrics in the Prometheus text format, the store's counts of
 * jobs not finished taken at the moment. A store that does not answer leaves those NaN and the rest
 * is served, so a database outage does not blind the scrape.
 */
final class MetricsRoutes {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final JobClient jobs;
  private final EngineMetrics metrics;

  MetricsRoutes(JobClient jobs, EngineMetrics metrics) {
    this.jobs = jobs;
    this.metrics = metrics;
  }

  void scrape(RoutingContext ctx) {
    jobs.countActive().onComplete(ar -> {
      metrics.jobsCounted(ar.succeeded() ? counts(ar.result()) : null);
      if (!ctx.response().ended()) {
        ctx.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(metrics.scrape());
      }
    });
  }

  private static Map<JobStatus, Long> counts(JsonObject answer) {
    Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    answer.forEach(e -> counts.put(JobStatus.fromWire(e.getKey()), ((Number) e.getValue()).longValue()));
    return counts;
  }
}
