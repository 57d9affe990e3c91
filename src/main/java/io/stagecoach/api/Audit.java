package io.stagecoach.api;

import io.stagecoach.api.auth.Access;
import io.stagecoach.api.auth.Caller;
import io.stagecoach.ops.AuditClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit hook of the mutating endpoints: {@code audit.after(ctx, "job.cancel", mutation, change)}
 * answers the mutation's result once its entries are written. An entry that cannot be written is
 * logged and the mutation's answer stands: the audit never breaks a mutation, and a failed
 * mutation writes no entry.
 */
final class Audit {
  private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

  /**
   * What a mutation changed.
   *
   * @param tenant the tenant of what changed; null: the caller's
   * @param target the id or key changed
   * @param before the relevant state before (null where it does not apply)
   * @param after the relevant state after (null where it does not apply)
   */
  record Change(String tenant, String target, JsonObject before, JsonObject after) {
  }

  private final AuditClient client;

  Audit(AuditClient client) {
    this.client = client;
  }

  /** The mutation's result, after an entry for {@code change(result)} (none when null) is written. */
  <T> Future<T> after(RoutingContext ctx, String action, Future<T> mutation, Function<T, Change> change) {
    return afterEach(ctx, action, mutation, result -> {
      Change c = change.apply(result);
      return c == null ? List.of() : List.of(c);
    });
  }

  /** As {@link #after}, with one entry per change (a batch spanning tenants writes one per tenant). */
  <T> Future<T> afterEach(RoutingContext ctx, String action, Future<T> mutation, Function<T, List<Change>> changes) {
    Caller caller = Access.caller(ctx);
    return mutation.compose(result -> Future.all(changes.apply(result).stream().map(c -> write(caller, action, c)).toList())
        .map(written -> result));
  }

  private Future<Void> write(Caller caller, String action, Change change) {
    JsonObject entry = new JsonObject()
        .put("actor", caller.subject())
        .put("tenant", change.tenant() != null ? change.tenant() : caller.tenant())
        .put("action", action)
        .put("target", change.target())
        .put("before", change.before())
        .put("after", change.after());
    return client.record(entry).<Void>mapEmpty().recover(e -> {
      LOG.warn("audit entry {} on {} by {} could not be written: {}", action, change.target(), caller.subject(),
          e.getMessage());
      return Future.succeededFuture();
    });
  }

  /** {@code {"status": ...}} of a job record, the before/after of a job action. */
  static JsonObject status(JsonObject job) {
    return new JsonObject().put("status", job.getString("status"));
  }
}
