package io.stagecoach.api;

import io.stagecoach.api.auth.Access;
import io.stagecoach.api.auth.Caller;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.StagecoachException;
import io.vertx.ext.web.RoutingContext;

/** The scope and cursor of the alert and audit lists. */
final class OpsScope {
  private OpsScope() {
  }

  /** The tenant whose alerts and audit the caller may see; null for an operator, who sees every tenant's. */
  static String of(RoutingContext ctx) {
    Caller caller = Access.caller(ctx);
    return caller.isOperator() ? null : caller.tenant();
  }

  static String cursor(RoutingContext ctx) {
    String cursor = ctx.queryParams().get("cursor");
    if (cursor != null && !JobIds.isValid(cursor)) {
      throw StagecoachException.invalidInput("cursor", "is not a cursor this API gave out");
    }
    return cursor;
  }
}
