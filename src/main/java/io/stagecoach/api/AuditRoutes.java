package io.stagecoach.api;

import io.stagecoach.ops.AuditClient;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /audit} (SPEC §8): an admin reads its own tenant's entries, an operator every tenant's; newest first. */
final class AuditRoutes {
  private final AuditClient audit;

  AuditRoutes(AuditClient audit) {
    this.audit = audit;
  }

  void list(RoutingContext ctx) {
    int limit = (int) Query.whole(ctx, "limit", 50, 1, 500);
    audit.list(TenantScope.ofList(ctx), TenantScope.cursor(ctx), limit)
        .onSuccess(page -> Responses.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }
}
