package io.stagecoach.client;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.BusErrors;
import io.stagecoach.bus.EventType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * The typed facade over Stagecoach's event-bus API, for sibling verticles (and the REST API,
 * which goes through it too). Failures are {@code StagecoachException}s with the contract's code.
 */
public final class JobClient {
  private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");
  private static final Set<String> END_EVENTS = Set.of(
      EventType.JOB_SUCCEEDED.wire(), EventType.JOB_FAILED.wire(), EventType.JOB_CANCELLED.wire());

  private final Vertx vertx;
  private final EventBus bus;
  private final String tenant;

  private JobClient(Vertx vertx, String tenant) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.tenant = tenant;
  }

  /** A client that sees every tenant's jobs (trusted, in-process callers). */
  public static JobClient create(Vertx vertx) {
    return new JobClient(vertx, null);
  }

  /** A client that submits into, and sees only, {@code tenant}'s jobs. */
  public JobClient forTenant(String tenantName) {
    return new JobClient(vertx, tenantName);
  }

  /** Submits a job ({@code {"type", "input", ...}}, as {@code POST /jobs} takes it). */
  public Future<Submitted> submit(JsonObject submission) {
    return request(Addresses.JOBS_SUBMIT, scoped(submission.copy()))
        .map(reply -> new Submitted(reply.getJsonObject("job"), reply.getBoolean("created")));
  }

  /** Submits up to 1000 jobs, all or none; the ids come back in submission order. */
  public Future<List<String>> submitBatch(List<JsonObject> submissions) {
    JsonArray jobs = new JsonArray();
    submissions.forEach(s -> jobs.add(scoped(s.copy())));
    return request(Addresses.JOBS_SUBMIT_BATCH, new JsonObject().put("jobs", jobs))
        .map(reply -> reply.getJsonArray("ids").stream().map(String.class::cast).toList());
  }

  public Future<JsonObject> get(String id) {
    return request(Addresses.JOBS_GET, byId(id));
  }

  /** A page of jobs, newest first: {@code {"items", "nextCursor"}}. The query takes
   * {@code status, type, labels {k: v}, limit, cursor}. */
  public Future<JsonObject> list(JsonObject query) {
    return request(Addresses.JOBS_LIST, scoped(query.copy()));
  }

  public Future<JsonObject> cancel(String id) {
    return request(Addresses.JOBS_CANCEL, byId(id));
  }

  public Future<JsonObject> retry(String id) {
    return request(Addresses.JOBS_RETRY, byId(id));
  }

  /** Log lines with {@code seq > afterSeq}: {@code {"items", "nextCursor", "dropped"}}. */
  public Future<JsonObject> logs(String id, long afterSeq, int limit) {
    return request(Addresses.JOBS_LOGS, byId(id).put("afterSeq", afterSeq).put("limit", limit));
  }

  public Future<JsonObject> jobTypes() {
    return request(Addresses.JOB_TYPES, new JsonObject());
  }

  /**
   * Jobs not finished, per status, of every tenant (whatever tenant this client is for):
   * {@code {"queued": n, "running": n, "cancelling": n}}.
   */
  public Future<JsonObject> countActive() {
    return request(Addresses.JOBS_COUNT, new JsonObject());
  }

  /** Succeeds when the engine and its store answer. */
  public Future<JsonObject> health() {
    return request(Addresses.HEALTH, new JsonObject());
  }

  /**
   * The job's record once it has ended (succeeded, failed or cancelled), learned from its events;
   * at once if it already has.
   */
  public Future<JsonObject> awaitEnd(String id) {
    Promise<JsonObject> ended = Promise.promise();
    MessageConsumer<JsonObject> consumer = bus.consumer(Addresses.jobEvents(id), m -> {
      // Only the events that end a job: a stage event may carry the ended record, with its stage added.
      if (END_EVENTS.contains(m.body().getString("type"))) {
        ended.tryComplete(m.body().getJsonObject("data").copy()); // events are shared: the caller gets its own
      }
    });
    consumer.completion()
        .compose(v -> get(id))
        .onSuccess(job -> {
          if (TERMINAL.contains(job.getString("status"))) {
            ended.tryComplete(job);
          }
        })
        .onFailure(ended::tryFail);
    return ended.future().eventually(consumer::unregister);
  }

  private JsonObject byId(String id) {
    return scoped(new JsonObject().put("id", id));
  }

  private JsonObject scoped(JsonObject body) {
    return tenant == null ? body : body.put("tenant", tenant);
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body)
        .map(message -> message.body())
        .recover(e -> Future.failedFuture(BusErrors.toStagecoach(e)));
  }
}
