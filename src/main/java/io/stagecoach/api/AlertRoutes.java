package io.stagecoach.api;

import io.stagecoach.api.auth.Access;
import io.stagecoach.api.auth.Caller;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.ops.AlertClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The alert endpoints (SPEC §8): an admin sees and acknowledges its own tenant's alerts, an
 * operator every tenant's; another tenant's alert is {@code 404}, as one that does not exist.
 */
final class AlertRoutes {
  private final AlertClient alerts;
  private final Audit audit;

  AlertRoutes(AlertClient alerts, Audit audit) {
    this.alerts = alerts;
    this.audit = audit;
  }

  void list(RoutingContext ctx) {
    int limit = (int) Query.whole(ctx, "limit", 50, 1, 500);
    alerts.list(TenantScope.ofList(ctx), TenantScope.cursor(ctx), limit)
        .onSuccess(page -> Responses.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  void acknowledge(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!JobIds.isValid(id)) {
      throw StagecoachException.invalidInput("id", "must be an alert id (a UUID)");
    }
    Caller caller = Access.caller(ctx);
    audit.after(ctx, "alert.ack", alerts.acknowledge(TenantScope.of(ctx), id, caller.subject()),
            alert -> new Audit.Change(alert.getString("tenant"), id, null, new JsonObject()
                .put("acknowledgedBy", alert.getString("acknowledgedBy"))
                .put("acknowledgedAt", alert.getString("acknowledgedAt"))))
        .onSuccess(alert -> Responses.json(ctx, 200, alert))
        .onFailure(ctx::fail);
  }
}
