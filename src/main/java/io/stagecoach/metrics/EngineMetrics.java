package io.stagecoach.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stagecoach.bus.EventType;
import io.stagecoach.job.JobStatus;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * One engine process's metrics, served as Prometheus text by {@code GET /metrics}: the job events
 * it published, how its attempts ended and how long they ran, its runners' slots, the jobs waiting and
 * running in the store (shared by every process, so each reports the same), its webhook delivery
 * attempts, the requests its API answered, and the JVM's own.
 */
public final class EngineMetrics {
  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final JvmGcMetrics gc;
  private final Map<EventType, Counter> events = new EnumMap<>(EventType.class);
  /** Attempt timers by job type, then outcome: looked up per attempt without building a meter id. */
  private final Map<String, Map<String, Timer>> attempts = new ConcurrentHashMap<>();
  private final Map<String, Timer> webhookAttempts = new ConcurrentHashMap<>();
  /** HTTP request timers by "method endpoint status". */
  private final Map<String, Timer> httpRequests = new ConcurrentHashMap<>();
  /** Jobs per unfinished status as last counted; NaN when the store could not be asked. */
  private final Map<JobStatus, double[]> jobs = new EnumMap<>(JobStatus.class);

  private EngineMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus, JvmGcMetrics gc) {
    this.registry = registry;
    this.prometheus = prometheus;
    this.gc = gc;
    for (EventType type : EventType.values()) {
      if (type.wire().startsWith("job.")) {
        events.put(type, Counter.builder("stagecoach.job.events").tag("type", type.wire())
            .description("Job events this process published, by type").register(registry));
      }
    }
    for (JobStatus status : JobStatus.UNFINISHED) {
      double[] count = {Double.NaN};
      jobs.put(status, count);
      Gauge.builder("stagecoach.jobs", count, c -> c[0]).tag("status", status.wire())
          .description("Jobs in the store with this status, counted when metrics are read").register(registry);
    }
  }

  /** Metrics served as Prometheus text, with the JVM's. */
  public static EngineMetrics prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return new EngineMetrics(registry, registry, gc);
  }

  /** Metrics nobody reads (a component deployed on its own, in a test): every meter does nothing. */
  public static final EngineMetrics DISCARDED = new EngineMetrics(new CompositeMeterRegistry(), null, null);

  /** Counts a job event; other events (alerts) are not counted here. */
  public void published(EventType type) {
    Counter counter = events.get(type);
    if (counter != null) {
      counter.increment();
    }
  }

  /** An attempt's handler ended ({@code outcome}: succeeded, failed, cancelled, ...) after {@code nanos}. */
  public void attemptEnded(String jobType, String outcome, long nanos) {
    attempts.computeIfAbsent(jobType, t -> new ConcurrentHashMap<>())
        .computeIfAbsent(outcome, o -> Timer.builder("stagecoach.attempts").tag("type", jobType).tag("outcome", outcome)
            .description("Attempts whose handler ended, by job type and outcome, and how long they ran")
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A webhook delivery attempt ended: {@code succeeded}, {@code retrying} or {@code failed} (for good). */
  public void webhookAttempt(String outcome, long latencyMs) {
    webhookAttempts.computeIfAbsent(outcome, o -> Timer.builder("stagecoach.webhook.attempts").tag("outcome", outcome)
            .description("Webhook delivery attempts of this process, by outcome, and how long the receiver took")
            .register(registry))
        .record(latencyMs, TimeUnit.MILLISECONDS);
  }

  /**
   * The API answered a request with {@code status} after {@code nanos}; {@code endpoint} is the
   * endpoint's path template (or {@code none}), so the labels stay few.
   */
  public void httpRequest(String method, String endpoint, int status, long nanos) {
    httpRequests.computeIfAbsent(method + ' ' + endpoint + ' ' + status,
            k -> Timer.builder("stagecoach.http.requests").tag("method", method).tag("route", endpoint)
                .tag("status", Integer.toString(status))
                .description("HTTP requests this process answered, by method, endpoint and status, and how long they took")
                .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * A runner's slots: {@code busy} in use of {@code concurrency}. Answers what removes them, for
   * the runner's stop: a gauge holds on to what it reads.
   */
  public Runnable runnerSlots(String runnerId, IntSupplier busy, int concurrency) {
    if (prometheus == null) {
      return () -> { };
    }
    Gauge inUse = Gauge.builder("stagecoach.runner.slots.busy", busy::getAsInt).tag("runner", runnerId)
        .description("Slots of a runner of this process running a handler").register(registry);
    Gauge all = Gauge.builder("stagecoach.runner.slots", () -> concurrency).tag("runner", runnerId)
        .description("Slots of a runner of this process (runner.concurrency)").register(registry);
    return () -> {
      registry.remove(inUse);
      registry.remove(all);
    };
  }

  /** What the store counted; {@code null} when it could not be asked (the gauges then read NaN). */
  public void jobsCounted(Map<JobStatus, Long> counts) {
    jobs.forEach((status, count) -> count[0] = counts == null ? Double.NaN : counts.getOrDefault(status, 0L));
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    if (prometheus == null) {
      throw new IllegalStateException("these metrics are discarded, not served");
    }
    return prometheus.scrape();
  }

  public void close() {
    if (prometheus != null) {
      gc.close();
      registry.close();
    }
  }
}
