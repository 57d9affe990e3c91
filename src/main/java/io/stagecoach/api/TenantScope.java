package io.stagecoach.api;

import io.stagecoach.api.auth.Access;
import io.stagecoach.api.auth.Caller;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Which tenants' records a request reaches, and the cursor of the lists that page them. Every list
 * (jobs, webhooks, alerts, audit) reads {@code ?tenant=} here, so all refuse it alike.
 */
final class TenantScope {
  private static final String TENANT = "tenant";

  private TenantScope() {
  }

  /** The tenant whose records the caller may reach; null for an operator, who reaches every tenant's. */
  static String of(RoutingContext ctx) {
    Caller caller = Access.caller(ctx);
    return caller.isOperator() ? null : caller.tenant();
  }

  /**
   * The tenant an operator narrowed a list to with {@code ?tenant=}, or null. Anyone else naming one,
   * even its own, is {@code 403 forbidden}: a query naming a tenant must not seem to be obeyed.
   */
  static String named(RoutingContext ctx) {
    String tenant = ctx.queryParams().get(TENANT);
    if (tenant != null && !Access.caller(ctx).isOperator()) {
      throw new StagecoachException(ErrorCode.FORBIDDEN, "tenant: only an operator may name a tenant",
          new JsonObject().put("field", TENANT));
    }
    return tenant;
  }

  /** A list's scope: the tenant an operator named, else {@link #of}. */
  static String ofList(RoutingContext ctx) {
    String named = named(ctx);
    return named != null ? named : of(ctx);
  }

  static String cursor(RoutingContext ctx) {
    String cursor = ctx.queryParams().get("cursor");
    if (cursor != null && !JobIds.isValid(cursor)) {
      throw StagecoachException.invalidInput("cursor", "is not a cursor this API gave out");
    }
    return cursor;
  }
}
