package io.stagecoach.api;

import io.stagecoach.api.auth.Access;
import io.stagecoach.api.auth.Caller;
import io.stagecoach.bus.Addresses;
import io.stagecoach.client.JobClient;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The job endpoints; each turns a request into one {@link JobClient} call and its answer into JSON.
 * A non-operator's calls go through {@code JobClient.forTenant(its tenant)}, so the job service
 * keeps it to its own tenant's jobs; only an operator may name a tenant.
 */
final class JobRoutes {
  /** The longest a {@code waitMs} long poll is held; longer asks are cut to it. */
  static final long MAX_WAIT_MS = 60_000;
  /** Most {@code label=k:v} filters one list request may carry. */
  static final int MAX_LABEL_FILTERS = 32;
  private static final String TENANT = "tenant";
  private static final Set<String> BATCH_FIELDS = Set.of("jobs");

  private final Vertx vertx;
  private final JobClient jobs;
  private final Audit audit;

  JobRoutes(Vertx vertx, JobClient jobs, Audit audit) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.audit = audit;
  }

  /** The client this caller's requests go through: every tenant for an operator, its own for anyone else. */
  private JobClient client(RoutingContext ctx) {
    Caller caller = Access.caller(ctx);
    return caller.isOperator() ? jobs : jobs.forTenant(caller.tenant());
  }

  /**
   * A submission's tenant: an operator's choice (its own tenant when it names none); anyone else
   * may not name one at all.
   */
  private static JsonObject withTenant(RoutingContext ctx, JsonObject submission, String field) {
    Caller caller = Access.caller(ctx);
    if (!submission.containsKey(TENANT)) {
      return caller.isOperator() ? submission.put(TENANT, caller.tenant()) : submission;
    }
    if (!caller.isOperator()) {
      throw new StagecoachException(ErrorCode.FORBIDDEN, field + ": only an operator may name a tenant; "
          + "jobs go to the token's tenant", new JsonObject().put("field", field));
    }
    return submission;
  }

  void submit(RoutingContext ctx) {
    JsonObject body = withTenant(ctx, bodyObject(ctx), TENANT);
    String header = ctx.request().getHeader("Idempotency-Key");
    if (header != null) {
      Object inBody = body.getValue("idempotencyKey");
      if (inBody != null && !header.equals(inBody)) {
        throw StagecoachException.invalidInput("idempotencyKey", "differs from the Idempotency-Key header");
      }
      body.put("idempotencyKey", header);
    }
    audit.after(ctx, "job.submit", client(ctx).submit(body), s -> s.created()
        ? new Audit.Change(s.job().getString(TENANT), s.id(), null, Audit.status(s.job()))
        : null).onSuccess(submitted -> {
      JsonObject job = submitted.job();
      ctx.response()
          .putHeader("Location", ApiVerticle.BASE + "/jobs/" + submitted.id())
          .putHeader("ETag", etag(job));
      Responses.json(ctx, submitted.created() ? 202 : 200, job);
    }).onFailure(ctx::fail);
  }

  void submitBatch(RoutingContext ctx) {
    JsonObject body = bodyObject(ctx);
    for (String field : body.fieldNames()) {
      if (!BATCH_FIELDS.contains(field)) {
        throw StagecoachException.invalidInput(field, "unknown field");
      }
    }
    Object value = body.getValue("jobs");
    if (!(value instanceof JsonArray array)) {
      throw StagecoachException.invalidInput("jobs", "must be an array of submissions");
    }
    List<JsonObject> submissions = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject submission)) {
        throw StagecoachException.invalidInput("jobs[" + i + "]", "must be a JSON object");
      }
      submissions.add(withTenant(ctx, submission, "jobs[" + i + "].tenant"));
    }
    audit.afterEach(ctx, "job.submitBatch", client(ctx).submitBatch(submissions), ids -> batchChanges(submissions, ids))
        .onSuccess(ids -> Responses.json(ctx, 202, new JsonObject().put("ids", new JsonArray(ids))))
        .onFailure(ctx::fail);
  }

  void get(RoutingContext ctx) {
    String id = jobId(ctx);
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    long waitMs = Math.min(MAX_WAIT_MS, Query.whole(ctx, "waitMs", 0, 0, Long.MAX_VALUE));
    if (ifNoneMatch != null && waitMs > 0) {
      longPoll(ctx, id, ifNoneMatch, waitMs);
      return;
    }
    client(ctx).get(id).onSuccess(job -> answerJob(ctx, job, ifNoneMatch)).onFailure(ctx::fail);
  }

  /**
   * Holds the request until the job's record differs from {@code ifNoneMatch} or {@code waitMs}
   * pass. Listening starts before the first read, so a change in between is not missed.
   */
  private void longPoll(RoutingContext ctx, String id, String ifNoneMatch, long waitMs) {
    JobClient scoped = client(ctx);
    MessageConsumer<JsonObject> changes = vertx.eventBus().consumer(Addresses.jobEvents(id));
    long[] timer = {-1};
    // An event can arrive while the first read is in flight, and both then see a change: answer once.
    boolean[] finished = {false};
    Runnable finish = () -> {
      if (finished[0]) {
        return;
      }
      finished[0] = true;
      vertx.cancelTimer(timer[0]);
      changes.unregister();
      scoped.get(id).onSuccess(job -> answerJob(ctx, job, ifNoneMatch)).onFailure(ctx::fail);
    };
    changes.handler(event -> {
      if (!matches(ifNoneMatch, etag(event.body().getJsonObject("data")))) {
        finish.run();
      }
    });
    ctx.response().closeHandler(v -> {
      finished[0] = true;
      vertx.cancelTimer(timer[0]);
      changes.unregister();
    });
    changes.completion()
        .compose(v -> scoped.get(id))
        .onSuccess(job -> {
          if (!matches(ifNoneMatch, etag(job))) {
            finish.run();
          } else if (!finished[0]) {
            timer[0] = vertx.setTimer(waitMs, t -> finish.run());
          }
        })
        .onFailure(e -> {
          changes.unregister();
          ctx.fail(e);
        });
  }

  private static void answerJob(RoutingContext ctx, JsonObject job, String ifNoneMatch) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    String etag = etag(job);
    ctx.response().putHeader("ETag", etag);
    if (matches(ifNoneMatch, etag)) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    Responses.json(ctx, 200, job);
  }

  void list(RoutingContext ctx) {
    String tenant = TenantScope.named(ctx);
    List<String> labelFilters = ctx.queryParams().getAll("label");
    if (labelFilters.size() > MAX_LABEL_FILTERS) {
      throw StagecoachException.invalidInput("label", "at most " + MAX_LABEL_FILTERS + " label filters");
    }
    JsonObject query = new JsonObject()
        .put("status", ctx.queryParams().get("status"))
        .put("type", ctx.queryParams().get("type"))
        .put("cursor", ctx.queryParams().get("cursor"))
        .put("limit", Query.whole(ctx, "limit", 50, 1, 500));
    JsonObject labels = new JsonObject();
    for (String label : labelFilters) {
      int colon = label.indexOf(':');
      if (colon <= 0) {
        throw StagecoachException.invalidInput("label", "must be name:value, not '" + label + "'");
      }
      labels.put(label.substring(0, colon), label.substring(colon + 1));
    }
    if (tenant != null) {
      query.put(TENANT, tenant);
    }
    client(ctx).list(query.put("labels", labels)).onSuccess(page -> Responses.json(ctx, 200, page)).onFailure(ctx::fail);
  }

  void logs(RoutingContext ctx) {
    long afterSeq = Query.whole(ctx, "afterSeq", 0, 0, Long.MAX_VALUE);
    int limit = (int) Query.whole(ctx, "limit", 100, 1, 1000);
    client(ctx).logs(jobId(ctx), afterSeq, limit)
        .onSuccess(page -> Responses.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  void cancel(RoutingContext ctx) {
    String id = jobId(ctx);
    JobClient scoped = client(ctx);
    accepted(ctx, statusChange(ctx, "job.cancel", scoped.get(id), () -> scoped.cancel(id)));
  }

  void retry(RoutingContext ctx) {
    String id = jobId(ctx);
    JobClient scoped = client(ctx);
    accepted(ctx, statusChange(ctx, "job.retry", scoped.get(id), () -> scoped.retry(id)));
  }

  /** Runs a job action after reading the record, and audits the job's status before and after. */
  private Future<JsonObject> statusChange(RoutingContext ctx, String action, Future<JsonObject> read,
      Supplier<Future<JsonObject>> act) {
    return read.compose(before -> audit.after(ctx, action, act.get(),
        after -> new Audit.Change(after.getString(TENANT), after.getString("id"), Audit.status(before), Audit.status(after))));
  }

  /** One audit entry per tenant of a batch, with the ids of the jobs it got (ids are in submission order). */
  private static List<Audit.Change> batchChanges(List<JsonObject> submissions, List<String> ids) {
    Map<String, JsonArray> byTenant = new LinkedHashMap<>();
    for (int i = 0; i < ids.size() && i < submissions.size(); i++) {
      byTenant.computeIfAbsent(submissions.get(i).getString(TENANT), t -> new JsonArray()).add(ids.get(i));
    }
    return byTenant.entrySet().stream()
        .map(e -> new Audit.Change(e.getKey(), null, null, new JsonObject().put("ids", e.getValue())))
        .toList();
  }

  void jobTypes(RoutingContext ctx) {
    client(ctx).jobTypes().onSuccess(types -> Responses.json(ctx, 200, types)).onFailure(ctx::fail);
  }

  private static void accepted(RoutingContext ctx, Future<JsonObject> job) {
    job.onSuccess(j -> {
      ctx.response().putHeader("ETag", etag(j));
      Responses.json(ctx, 202, j);
    }).onFailure(ctx::fail);
  }

  /** The request body as a JSON object within {@link JsonLimits}. */
  private static JsonObject bodyObject(RoutingContext ctx) {
    return JsonLimits.parseObject(ctx.body().buffer());
  }

  /** The {@code :id} path parameter, which must be a job id (a lower-case UUID). */
  private static String jobId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!JobIds.isValid(id)) {
      throw StagecoachException.invalidInput("id", "must be a job id (a UUID)");
    }
    return id;
  }

  static String etag(JsonObject job) {
    return "\"" + job.getLong("version") + "\"";
  }

  /** Whether an If-None-Match header names this ETag (a list, a weak tag or {@code *} included). */
  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }
}
