package io.stagecoach.runner;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.Event;
import io.stagecoach.bus.RequestReply;
import io.stagecoach.bus.EventType;
import io.stagecoach.bus.JobEvents;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.JobJson;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.store.Inserted;
import io.stagecoach.store.JobQuery;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.JobWrite;
import io.stagecoach.store.LogPage;
import io.stagecoach.store.Page;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The job operations of SPEC §5/§6 on the event bus: submit, get, list, cancel, retry, logs and
 * types. REST reaches them through {@code JobClient}, like any sibling verticle. A request may
 * carry {@code "tenant"} to scope it: a job of another tenant is then {@code not_found}.
 */
final class JobService {
  static final int MAX_BATCH = 1000;
  private static final int MAX_LOG_LIMIT = 1000;

  private final JobStore store;
  private final JobTypeRegistry types;
  private final Submissions submissions;
  private final JobEvents events;
  private final EventBus bus;
  private final Clock clock;
  private final IdleRunner idleRunner;

  JobService(JobStore store, JobTypeRegistry types, Submissions submissions, JobEvents events, EventBus bus, Clock clock,
      IdleRunner idleRunner) {
    this.idleRunner = idleRunner;
    this.store = store;
    this.types = types;
    this.submissions = submissions;
    this.events = events;
    this.bus = bus;
    this.clock = clock;
  }

  Future<?> register() {
    return Future.all(List.of(
        serve(Addresses.JOBS_SUBMIT, this::submit),
        serve(Addresses.JOBS_SUBMIT_BATCH, this::submitBatch),
        serve(Addresses.JOBS_GET, this::get),
        serve(Addresses.JOBS_LIST, this::list),
        serve(Addresses.JOBS_CANCEL, this::cancel),
        serve(Addresses.JOBS_RETRY, this::retry),
        serve(Addresses.JOBS_LOGS, this::logs),
        serve(Addresses.JOB_TYPES, body -> Future.succeededFuture(jobTypes())),
        serve(Addresses.HEALTH, body -> store.ping().map(v -> new JsonObject().put("store", "up"))),
        serve(Addresses.JOBS_COUNT, body -> countActive())));
  }

  private Future<Void> serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return RequestReply.serve(bus, address, handler).completion();
  }

  // ---- submit --------------------------------------------------------------------------------

  private Future<JsonObject> submit(JsonObject submission) {
    Job job = submissions.parse(submission);
    Job claimed = job.idempotencyKey() == null ? idleRunner.claimIfIdle(job) : null;
    if (claimed != null) {
      return submitClaimed(job, claimed);
    }
    return store.insertAll(List.of(job), this::queued).map(all -> all.get(0)).map(inserted -> {
      announceQueued(List.of(inserted));
      return new JsonObject().put("job", JobJson.toJson(inserted.job())).put("created", inserted.created());
    });
  }

  /**
   * Stores {@code claimed} (see {@link IdleRunner}) and starts it. The submitter gets the job as
   * submitted, queued, as the {@code job.queued} event tells it; the {@code job.started} event follows.
   */
  private Future<JsonObject> submitClaimed(Job submitted, Job claimed) {
    return store.insertAll(List.of(claimed), stored -> queued(submitted))
        .onFailure(e -> idleRunner.release())
        .map(all -> {
          Inserted inserted = all.get(0);
          events.publish(inserted.events());
          idleRunner.start(inserted.job());
          return new JsonObject().put("job", JobJson.toJson(submitted)).put("created", true);
        });
  }

  private Future<JsonObject> submitBatch(JsonObject body) {
    Object value = body.getValue("jobs");
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_BATCH) {
      throw StagecoachException.invalidInput("jobs", "must be an array of 1 to " + MAX_BATCH + " submissions");
    }
    List<Job> jobs = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      try {
        jobs.add(submissions.parse(array.getValue(i) instanceof JsonObject o ? o : null));
      } catch (StagecoachException e) {
        throw new StagecoachException(e.code(), "jobs[" + i + "]: " + e.getMessage(), e.details().copy().put("index", i));
      }
    }
    return store.insertAll(jobs, this::queued).map(inserted -> {
      announceQueued(inserted);
      JsonArray ids = new JsonArray();
      inserted.forEach(i -> ids.add(i.job().id()));
      return new JsonObject().put("ids", ids);
    });
  }

  private List<Event> queued(Job job) {
    return List.of(events.of(EventType.JOB_QUEUED, job));
  }

  private void announceQueued(List<Inserted> inserted) {
    boolean any = false;
    for (Inserted i : inserted) {
      events.publish(i.events());
      any |= i.created();
    }
    if (any) {
      bus.publish(Addresses.RUNNER_WAKE, null);
    }
  }

  // ---- read ----------------------------------------------------------------------------------

  /** Jobs not finished, per status, of every tenant: for operators (GET /metrics). */
  private Future<JsonObject> countActive() {
    return store.countActive().map(counts -> {
      JsonObject answer = new JsonObject();
      counts.forEach((status, n) -> answer.put(status.wire(), n));
      return answer;
    });
  }

  private Future<JsonObject> get(JsonObject body) {
    return visibleJob(body).map(JobJson::toJson);
  }

  private Future<JsonObject> list(JsonObject body) {
    Map<String, String> labels = new LinkedHashMap<>();
    body.getJsonObject("labels", new JsonObject()).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    String status = body.getString("status");
    JobQuery query = new JobQuery(
        body.getString("tenant"),
        status == null ? null : JobStatus.fromWire(status),
        body.getString("type"),
        labels.isEmpty() ? null : labels,
        decodeCursor(body.getString("cursor")),
        (int) Submissions.whole(body, "limit", JobQuery.DEFAULT_LIMIT, 1, JobQuery.MAX_LIMIT));
    return store.list(query).map(JobService::toPage);
  }

  private static JsonObject toPage(Page<Job> page) {
    JsonArray items = new JsonArray();
    page.items().forEach(job -> items.add(JobJson.toJson(job)));
    return new JsonObject().put("items", items).put("nextCursor", encodeCursor(page.lastKey()));
  }

  private Future<JsonObject> logs(JsonObject body) {
    long afterSeq = Submissions.whole(body, "afterSeq", 0, 0, Long.MAX_VALUE);
    int limit = (int) Submissions.whole(body, "limit", 100, 1, MAX_LOG_LIMIT);
    return visibleJob(body)
        .compose(job -> store.logs(job.id(), afterSeq, limit))
        .map(page -> toLogPage(page, limit));
  }

  private static JsonObject toLogPage(LogPage page, int limit) {
    JsonArray items = new JsonArray();
    page.items().forEach(line -> items.add(line.toJson()));
    String next = page.items().size() == limit ? String.valueOf(page.items().get(limit - 1).seq()) : null;
    return new JsonObject().put("items", items).put("nextCursor", next).put("dropped", page.dropped());
  }

  private JsonObject jobTypes() {
    JsonArray items = new JsonArray();
    types.all().forEach(type -> items.add(type.toJson()));
    return new JsonObject().put("items", items).putNull("nextCursor");
  }

  // ---- change --------------------------------------------------------------------------------

  private Future<JsonObject> cancel(JsonObject body) {
    return visibleJob(body)
        .compose(job -> store.write(new JobWrite(job.id(), this::requestCancel, List.of(), this::cancelled)))
        .map(written -> {
          events.publish(written.events());
          if (written.job().status() != JobStatus.CANCELLED) {
            bus.publish(Addresses.RUNNER_CANCEL, written.job().id());
          }
          return JobJson.toJson(written.job());
        });
  }

  /** A queued job is cancelled at once; a running one is cancelling, a change of progress. */
  private List<Event> cancelled(Job job) {
    return List.of(events.of(job.status() == JobStatus.CANCELLED ? EventType.JOB_CANCELLED : EventType.JOB_PROGRESS, job));
  }

  /** Queued → cancelled at once; running → cancelling (the runner finishes it); cancelling stays. */
  private boolean requestCancel(Job job) {
    if (job.status().isTerminal()) {
      throw new StagecoachException(ErrorCode.ALREADY_FINISHED, "job " + job.id() + " already " + job.status().wire());
    }
    if (job.status() == JobStatus.CANCELLING) {
      return false;
    }
    job.moveTo(job.status() == JobStatus.QUEUED ? JobStatus.CANCELLED : JobStatus.CANCELLING, clock.instant());
    return true;
  }

  private Future<JsonObject> retry(JsonObject body) {
    return visibleJob(body)
        .compose(job -> store.write(new JobWrite(job.id(), this::retryOnceMore, List.of(), this::queued)))
        .map(written -> {
          events.publish(written.events());
          bus.publish(Addresses.RUNNER_WAKE, null);
          return JobJson.toJson(written.job());
        });
  }

  private boolean retryOnceMore(Job job) {
    if (job.status() != JobStatus.FAILED && job.status() != JobStatus.CANCELLED) {
      throw new StagecoachException(ErrorCode.INVALID_STATE,
          "only a failed or cancelled job can be retried; job " + job.id() + " is " + job.status().wire());
    }
    job.retryOnceMore(clock.instant());
    return true;
  }

  /** The job the request names, if the request's tenant may see it; otherwise {@code not_found}. */
  private Future<Job> visibleJob(JsonObject body) {
    if (!(body.getValue("id") instanceof String id) || !JobIds.isValid(id)) {
      return Future.failedFuture(StagecoachException.invalidInput("id", "must be a job id (a UUID)"));
    }
    String tenant = body.getString("tenant");
    return store.get(id).compose(job -> job == null || (tenant != null && !tenant.equals(job.tenant()))
        ? Future.failedFuture(StagecoachException.notFound("job " + id))
        : Future.succeededFuture(job));
  }

  // ---- cursors -------------------------------------------------------------------------------

  private static String encodeCursor(String lastId) {
    return lastId == null ? null
        : Base64.getUrlEncoder().withoutPadding().encodeToString(lastId.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeCursor(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (JobIds.isValid(id)) {
        return id;
      }
    } catch (IllegalArgumentException notBase64) {
      // falls through to the error below
    }
    throw StagecoachException.invalidInput("cursor", "is not a cursor this API returned");
  }
}
