package io.stagecoach.webhook;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.RequestReply;
import io.stagecoach.bus.EventType;
import io.stagecoach.config.WebhookConfig;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.JobJson;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.Function;

/**
 * Serves {@link WebhookClient}'s requests on the bus: subscriptions, rotation, re-enabling, the
 * delivery log, redelivery, ping.
 */
final class WebhookService {
  /** Filters one subscription may hold. */
  static final int MAX_FILTERS = 50;
  /** Longest description, in characters. */
  static final int MAX_DESCRIPTION = 500;
  /** The type of the event {@code POST /webhooks/{id}/ping} sends. */
  static final String PING = "webhook.ping";
  private static final Set<String> CREATE_FIELDS = Set.of("tenant", "url", "events", "description");
  private static final int MAX_LIMIT = 500;

  private final WebhookStore store;
  private final SsrfGuard guard;
  private final WebhookConfig config;
  private final Clock clock;
  private final Consumer<List<Delivery>> dispatch;
  private final Supplier<Future<Void>> subscriptionsChanged;

  WebhookService(WebhookStore store, SsrfGuard guard, WebhookConfig config, Clock clock, Consumer<List<Delivery>> dispatch,
      Supplier<Future<Void>> subscriptionsChanged) {
    this.store = store;
    this.guard = guard;
    this.config = config;
    this.clock = clock;
    this.dispatch = dispatch;
    this.subscriptionsChanged = subscriptionsChanged;
  }

  /** Registers every consumer; completes once all are registered. */
  Future<Void> register(EventBus bus, List<MessageConsumer<?>> consumers) {
    List<Future<Void>> registered = new ArrayList<>();
    serve(bus, Addresses.WEBHOOKS_CREATE, this::create, consumers, registered);
    serve(bus, Addresses.WEBHOOKS_LIST, this::list, consumers, registered);
    serve(bus, Addresses.WEBHOOKS_GET, r -> visible(r).map(Subscription::toJson), consumers, registered);
    serve(bus, Addresses.WEBHOOKS_DELETE, this::delete, consumers, registered);
    serve(bus, Addresses.WEBHOOKS_ROTATE_SECRET, this::rotate, consumers, registered);
    serve(bus, Addresses.WEBHOOKS_ENABLE, this::enable, consumers, registered);
    serve(bus, Addresses.WEBHOOKS_DELIVERIES, this::deliveries, consumers, registered);
    serve(bus, Addresses.WEBHOOKS_REDELIVER, this::redeliver, consumers, registered);
    serve(bus, Addresses.WEBHOOKS_PING, this::ping, consumers, registered);
    return Future.all(registered).mapEmpty();
  }

  private static void serve(EventBus bus, String address, Function<JsonObject, Future<JsonObject>> handler,
      List<MessageConsumer<?>> consumers, List<Future<Void>> registered) {
    MessageConsumer<JsonObject> consumer = RequestReply.serve(bus, address, handler);
    consumers.add(consumer);
    registered.add(consumer.completion());
  }

  private Future<JsonObject> create(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!CREATE_FIELDS.contains(field)) {
        throw StagecoachException.invalidInput(field, "unknown field");
      }
    }
    if (!(body.getValue("tenant") instanceof String tenant) || tenant.isBlank()) {
      throw StagecoachException.invalidInput("tenant", "must be a non-empty string");
    }
    List<String> events = filters(body.getValue("events"));
    Object description = body.getValue("description");
    if (description != null && !(description instanceof String)) {
      throw StagecoachException.invalidInput("description", "must be a string");
    }
    if (description != null && ((String) description).length() > MAX_DESCRIPTION) {
      throw StagecoachException.invalidInput("description", "must be at most " + MAX_DESCRIPTION + " characters");
    }
    if (!(body.getValue("url") instanceof String url)) {
      throw StagecoachException.invalidInput("url", "must be a string");
    }
    String secret = Signer.newSecret();
    return guard.check(url)
        .map(target -> new Subscription(JobIds.next(), tenant, url, events, (String) description, clock.instant(),
            null, null, null, secret, null, null))
        .compose(this::createWithinLimit)
        .compose(this::afterChange)
        .map(created -> created.toJson().put("secret", secret));
  }

  private Future<Subscription> createWithinLimit(Subscription subscription) {
    int limit = config.maxPerTenant();
    return store.create(subscription, limit).compose(created -> created != null ? Future.succeededFuture(created)
        : Future.failedFuture(new StagecoachException(ErrorCode.LIMIT_EXCEEDED, "tenant " + subscription.tenant()
            + " already has " + limit + " webhooks, the most it may have; delete one first",
            new JsonObject().put("limit", limit))));
  }

  /** The event filters: known types, {@code *}, or a prefix wildcard such as {@code job.*} that some type falls under. */
  static List<String> filters(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw StagecoachException.invalidInput("events", "must be a non-empty array of event types, such as [\"job.failed\", \"job.*\"]");
    }
    if (array.size() > MAX_FILTERS) {
      throw StagecoachException.invalidInput("events", "at most " + MAX_FILTERS + " filters");
    }
    List<String> filters = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String filter) || !isKnownFilter(filter)) {
        throw StagecoachException.invalidInput("events", "'" + item + "' is not an event type, '*' or a wildcard such as 'job.*'");
      }
      if (!filters.contains(filter)) {
        filters.add(filter);
      }
    }
    return filters;
  }

  private static boolean isKnownFilter(String filter) {
    if (filter.equals("*") || filter.equals(PING)) {
      return true;
    }
    String prefix = filter.endsWith(".*") ? filter.substring(0, filter.length() - 1) : null;
    return Arrays.stream(EventType.values()).map(EventType::wire)
        .anyMatch(type -> prefix == null ? type.equals(filter) : type.startsWith(prefix));
  }

  private Future<JsonObject> list(JsonObject request) {
    int limit = limit(request);
    return store.list(request.getString("scope"), request.getString("cursor"), limit)
        .map(page -> new JsonObject()
            .put("items", new JsonArray(page.items().stream().map(Subscription::toJson).toList()))
            .put("nextCursor", page.lastKey()));
  }

  private Future<JsonObject> delete(JsonObject request) {
    return visible(request).compose(s -> store.delete(s.id()))
        .compose(this::afterChange)
        .map(deleted -> new JsonObject());
  }

  /**
   * Answers once the change is seen by the runner's outbox filter: the events that follow a
   * subscription's creation reach it. Answers {@code value} even if the re-read failed (the
   * periodic refresh catches up).
   */
  private <T> Future<T> afterChange(T value) {
    return subscriptionsChanged.get().transform(ar -> Future.succeededFuture(value));
  }

  private Future<JsonObject> rotate(JsonObject request) {
    String secret = Signer.newSecret();
    Instant previousExpiresAt = clock.instant().plus(config.secretGracePeriod());
    return visible(request)
        .compose(s -> store.rotateSecret(s.id(), secret, previousExpiresAt))
        .compose(WebhookService::found)
        .map(rotated -> rotated.toJson().put("secret", secret));
  }

  /**
   * Clears a disabled endpoint's disabled and failing state; its deliveries that failed meanwhile
   * stay failed (redelivery sends them). Events published from the answer on reach it.
   */
  private Future<JsonObject> enable(JsonObject request) {
    return visible(request)
        .compose(s -> store.enable(s.id()))
        .compose(WebhookService::found)
        .compose(this::afterChange)
        .map(Subscription::toJson);
  }

  private Future<JsonObject> deliveries(JsonObject request) {
    int limit = limit(request);
    return visible(request)
        .compose(s -> store.deliveries(s.id(), request.getString("cursor"), limit))
        .map(page -> new JsonObject()
            .put("items", new JsonArray(page.items().stream().map(Delivery::toJson).toList()))
            .put("nextCursor", page.lastKey()));
  }

  private Future<JsonObject> redeliver(JsonObject request) {
    return visible(request).compose(s -> store.delivery(request.getString("deliveryId")).compose(original -> {
      if (original == null || !original.webhookId().equals(s.id())) {
        return Future.failedFuture(StagecoachException.notFound("delivery"));
      }
      Instant now = clock.instant();
      return enqueueOne(Delivery.pending(JobIds.next(), s, original.eventId(), original.eventType(), original.body(), now,
          now.plus(WebhookDispatcherVerticle.lease(config))));
    }));
  }

  private Future<JsonObject> ping(JsonObject request) {
    return visible(request).compose(s -> {
      Instant now = clock.instant();
      String eventId = JobIds.random();
      JsonObject event = new JsonObject()
          .put("id", eventId)
          .put("type", PING)
          .put("timestamp", JobJson.instant(now))
          .put("tenant", s.tenant())
          .put("data", new JsonObject().put("webhookId", s.id()));
      return enqueueOne(Delivery.pending(JobIds.next(), s, eventId, PING, event.encode(), now,
          now.plus(WebhookDispatcherVerticle.lease(config))));
    });
  }

  /** Stores a delivery and hands it to the dispatcher at once. */
  private Future<JsonObject> enqueueOne(Delivery delivery) {
    return store.enqueue(List.of(delivery)).map(v -> {
      dispatch.accept(List.of(delivery));
      return delivery.toJson();
    });
  }

  /** The request's webhook, if its scope may see it; else {@code not_found}, whether it exists or not. */
  private Future<Subscription> visible(JsonObject request) {
    String scope = request.getString("scope");
    return store.get(request.getString("id"))
        .map(s -> s != null && (scope == null || scope.equals(s.tenant())) ? s : null)
        .compose(WebhookService::found);
  }

  private static Future<Subscription> found(Subscription s) {
    return s == null ? Future.failedFuture(StagecoachException.notFound("webhook")) : Future.succeededFuture(s);
  }

  private static int limit(JsonObject request) {
    Integer limit = request.getInteger("limit");
    return limit == null ? 50 : Math.max(1, Math.min(MAX_LIMIT, limit));
  }
}
