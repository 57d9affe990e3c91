package io.stagecoach.api;

import io.stagecoach.api.auth.Access;
import io.stagecoach.api.auth.Caller;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.webhook.WebhookClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The webhook endpoints (SPEC §7); each turns a request into one {@link WebhookClient} call. An
 * admin sees its own tenant's webhooks, an operator every tenant's; another tenant's webhook is
 * {@code 404}, as one that does not exist.
 */
final class WebhookRoutes {
  private static final String TENANT = "tenant";

  private final WebhookClient webhooks;
  private final Audit audit;

  WebhookRoutes(WebhookClient webhooks, Audit audit) {
    this.webhooks = webhooks;
    this.audit = audit;
  }

  void create(RoutingContext ctx) {
    JsonObject body = JsonLimits.parseObject(ctx.body().buffer());
    Caller caller = Access.caller(ctx);
    if (body.containsKey(TENANT) && !caller.isOperator()) {
      throw new StagecoachException(ErrorCode.FORBIDDEN, "tenant: only an operator may name a tenant; "
          + "webhooks go to the token's tenant", new JsonObject().put("field", TENANT));
    }
    if (!body.containsKey(TENANT)) {
      body.put(TENANT, caller.tenant());
    }
    audit.after(ctx, "webhook.create", webhooks.create(body), w -> new Audit.Change(w.getString(TENANT),
        w.getString("id"), null, settings(w))).onSuccess(created -> {
      ctx.response().putHeader("Location", ApiVerticle.BASE + "/webhooks/" + created.getString("id"));
      Responses.json(ctx, 201, created);
    }).onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    String scope = TenantScope.ofList(ctx);
    int limit = (int) Query.whole(ctx, "limit", 50, 1, 500);
    webhooks.list(scope, TenantScope.cursor(ctx), limit).onSuccess(page -> Responses.json(ctx, 200, page)).onFailure(ctx::fail);
  }

  void get(RoutingContext ctx) {
    webhooks.get(TenantScope.of(ctx), id(ctx, "id")).onSuccess(w -> Responses.json(ctx, 200, w)).onFailure(ctx::fail);
  }

  void delete(RoutingContext ctx) {
    String scope = TenantScope.of(ctx);
    String id = id(ctx, "id");
    webhooks.get(scope, id)
        .compose(before -> audit.after(ctx, "webhook.delete", webhooks.delete(scope, id),
            v -> new Audit.Change(before.getString(TENANT), id, settings(before), null)))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  void rotateSecret(RoutingContext ctx) {
    audit.after(ctx, "webhook.rotateSecret", webhooks.rotateSecret(TenantScope.of(ctx), id(ctx, "id")),
        w -> new Audit.Change(w.getString(TENANT), w.getString("id"), null, null)).onSuccess(w -> Responses.json(ctx, 200, w)).onFailure(ctx::fail);
  }

  void enable(RoutingContext ctx) {
    String scope = TenantScope.of(ctx);
    String id = id(ctx, "id");
    webhooks.get(scope, id)
        .compose(before -> audit.after(ctx, "webhook.enable", webhooks.enable(scope, id),
            w -> new Audit.Change(w.getString(TENANT), id, state(before), state(w))))
        .onSuccess(w -> Responses.json(ctx, 200, w))
        .onFailure(ctx::fail);
  }

  void deliveries(RoutingContext ctx) {
    int limit = (int) Query.whole(ctx, "limit", 50, 1, 500);
    webhooks.deliveries(TenantScope.of(ctx), id(ctx, "id"), TenantScope.cursor(ctx), limit)
        .onSuccess(page -> Responses.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  void redeliver(RoutingContext ctx) {
    String scope = TenantScope.of(ctx);
    String id = id(ctx, "id");
    String deliveryId = id(ctx, "deliveryId");
    webhooks.get(scope, id)
        .compose(webhook -> audit.after(ctx, "webhook.redeliver", webhooks.redeliver(scope, id, deliveryId),
            d -> new Audit.Change(webhook.getString(TENANT), deliveryId, null,
                new JsonObject().put("webhookId", id).put("deliveryId", d.getString("id")))))
        .onSuccess(d -> Responses.json(ctx, 202, d))
        .onFailure(ctx::fail);
  }

  void ping(RoutingContext ctx) {
    webhooks.ping(TenantScope.of(ctx), id(ctx, "id")).onSuccess(d -> Responses.json(ctx, 202, d)).onFailure(ctx::fail);
  }

  /** What an audit entry shows of a subscription: never its secret. */
  private static JsonObject settings(JsonObject webhook) {
    return new JsonObject().put("url", webhook.getString("url")).put("events", webhook.getJsonArray("events"));
  }

  /** What an audit entry shows of enabling: whether it was disabled, and why. */
  private static JsonObject state(JsonObject webhook) {
    return new JsonObject().put("disabled", webhook.getBoolean("disabled"))
        .put("disabledReason", webhook.getString("disabledReason"));
  }

  private static String id(RoutingContext ctx, String param) {
    String id = ctx.pathParam(param);
    if (!JobIds.isValid(id)) {
      throw StagecoachException.invalidInput(param, "must be a UUID");
    }
    return id;
  }
}
