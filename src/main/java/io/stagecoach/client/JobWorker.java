package io.stagecoach.client;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.EventCodec;
import io.stagecoach.job.JobError;
import io.stagecoach.job.LogLevel;
import io.stagecoach.job.StageStatus;
import io.stagecoach.runner.JobCancelledException;
import io.stagecoach.runner.JobFailure;
import io.stagecoach.runner.JobReporter;
import io.stagecoach.runner.JobType;
import io.stagecoach.runner.RemoteReports;
import io.stagecoach.runner.ReportingContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a job type from a verticle of its own, in this process or on another node of a
 * clustered event bus. The runner sends each job to {@code stagecoach.work.<type>}; the handler
 * reports stages, progress, params and logs back over the bus, exactly as a local handler does,
 * and its result or failure ends the attempt the same way.
 */
public final class JobWorker {
  private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);

  private final Vertx vertx;
  private final JobType type;
  private final List<MessageConsumer<?>> consumers;

  private JobWorker(Vertx vertx, JobType type, List<MessageConsumer<?>> consumers) {
    this.vertx = vertx;
    this.type = type;
    this.consumers = consumers;
  }

  /**
   * Serves {@code type}, which must have a handler; announces it so that runners accept
   * submissions of it. Completes once the worker is listening.
   */
  public static Future<JobWorker> serve(Vertx vertx, JobType type) {
    if (type.isRemote()) {
      return Future.failedFuture(new IllegalArgumentException("a worker's job type needs a handler"));
    }
    EventBus bus = vertx.eventBus();
    EventCodec.register(bus); // events of this worker's jobs may come from another node
    MessageConsumer<JsonObject> work = bus.consumer(Addresses.work(type.key()));
    MessageConsumer<Object> discover = bus.consumer(Addresses.TYPES_DISCOVER);
    JobWorker worker = new JobWorker(vertx, type, List.of(work, discover));
    work.handler(worker::run);
    discover.handler(m -> worker.announce());
    return Future.all(work.completion(), discover.completion()).map(v -> {
      worker.announce();
      return worker;
    });
  }

  /** Stops serving; jobs of the type then wait for another worker (or fail with {@code no_worker}). */
  public Future<Void> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private void announce() {
    vertx.eventBus().publish(Addresses.TYPES_ANNOUNCE, type.toJson());
  }

  private void run(Message<JsonObject> message) {
    JsonObject job = message.body().getJsonObject("job");
    String jobId = job.getString("id");
    AtomicBoolean cancelled = new AtomicBoolean();
    MessageConsumer<JsonObject> events = vertx.eventBus().consumer(Addresses.jobEvents(jobId), m -> {
      String status = m.body().getJsonObject("data").getString("status");
      if ("cancelling".equals(status) || "cancelled".equals(status)) {
        cancelled.set(true);
      }
    });
    ReportingContext context = new ReportingContext(vertx, jobId, job.getString("type"), job.getString("tenant"),
        job.getInteger("attempt"), job.getJsonObject("input"), message.body().getLong("fencingToken"),
        cancelled::get, new BusReporter(jobId, cancelled));
    invoke(context)
        .onSuccess(result -> message.reply(result == null ? new JsonObject() : result))
        .onFailure(e -> message.fail(500, failure(e, cancelled.get()).encode()))
        .eventually(events::unregister);
  }

  private Future<JsonObject> invoke(ReportingContext context) {
    try {
      if (type.handler() != null) {
        return type.handler().handle(context);
      }
      return vertx.executeBlocking(() -> type.blockingHandler().handle(context), false);
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }

  private static JsonObject failure(Throwable e, boolean cancelled) {
    if (cancelled || e instanceof JobCancelledException) {
      return new JsonObject().put("cancelled", true).put("code", "cancelled").put("message", "job cancelled");
    }
    if (e instanceof JobFailure f) {
      return new JsonObject().put("code", f.code()).put("message", f.getMessage()).put("retryable", f.retryable());
    }
    return new JsonObject().put("code", JobError.HANDLER_ERROR).put("message", String.valueOf(e.getMessage()))
        .put("retryable", true);
  }

  /** Sends each report to the runner; its reply says whether the job was cancelled meanwhile. */
  private final class BusReporter implements JobReporter {
    private final String jobId;
    private final AtomicBoolean cancelled;

    BusReporter(String jobId, AtomicBoolean cancelled) {
      this.jobId = jobId;
      this.cancelled = cancelled;
    }

    @Override
    public void startStage(String key, String name) {
      send(RemoteReports.report(jobId, RemoteReports.START, key).put("name", name));
    }

    @Override
    public void finishStage(String key, StageStatus status) {
      send(RemoteReports.report(jobId, RemoteReports.FINISH, key).put("status", status.wire()));
    }

    @Override
    public void progress(String key, double progress) {
      send(RemoteReports.report(jobId, RemoteReports.PROGRESS, key).put("progress", progress));
    }

    @Override
    public void param(String key, String name, Object value) {
      send(RemoteReports.report(jobId, RemoteReports.PARAM, key).put("name", name).put("value", value));
    }

    @Override
    public void log(LogLevel level, String stageKey, String message) {
      send(RemoteReports.report(jobId, RemoteReports.LOG, stageKey).put("level", level.wire()).put("message", message));
    }

    private void send(JsonObject report) {
      vertx.eventBus().<JsonObject>request(Addresses.JOBS_REPORT, report)
          .onSuccess(reply -> {
            if (reply.body().getBoolean("cancelled", false)) {
              cancelled.set(true);
            }
          })
          .onFailure(e -> LOG.debug("report for job {} not applied: {}", jobId, e.getMessage()));
    }
  }
}
