package io.stagecoach.webhook;

import io.stagecoach.bus.Addresses;
import io.stagecoach.config.WebhookConfig;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.JobJson;
import io.stagecoach.job.NulCharacters;
import io.stagecoach.metrics.EngineMetrics;
import io.stagecoach.store.OutboxEntry;
import io.stagecoach.store.RetentionPruner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fourth verticle: hands every event in the outbox to the subscriptions of its tenant that
 * want it, signed the Standard Webhooks way, and serves {@link WebhookClient}.
 *
 * <p>How a delivery goes: the store that recorded a job change recorded the events it announced
 * in the outbox in the same transaction, serialised once. The relay takes them from there and,
 * in one transaction, stores a pending delivery per subscription that wants it (claimed by this
 * process for a lease); then each is attempted at once. The relay runs when a write in this process
 * recorded events ({@link Addresses#OUTBOX_WAKE}), and every {@code pollInterval} for what other
 * processes left behind. An attempt resolves
 * the URL through the {@link SsrfGuard} and connects to the very address the guard checked (the
 * {@code Host} header stays the URL's host), sends the stored body with a fresh
 * {@code webhook-timestamp}, and never follows a redirect. A 2xx settles the delivery; {@code 410
 * Gone} disables the endpoint at once; anything else (3xx, 4xx, 5xx, a timeout, a refused
 * connection) is retried on {@code webhooks.retrySchedule} plus jitter — later if {@code Retry-After}
 * asks — until the schedule runs out. An endpoint failing for {@code webhooks.disableAfter} without a
 * success is disabled, and either disabling raises an {@code alert.raised} event; it stays disabled
 * until enabled through {@link WebhookClient#enable}. {@code https} endpoints are verified against
 * the JVM's CAs and those of {@code webhooks.trustPem} ({@link EndpointTrust}).
 *
 * <p>Isolation: each endpoint has at most {@code maxInFlightPerEndpoint} attempts outstanding, the
 * rest wait in its own queue, so a slow or hanging receiver only delays itself. Nothing here is
 * awaited by the runner: events are published, and a failure here is logged, never sent back.
 *
 * <p>Restart: pending deliveries live in the {@link WebhookStore}; every {@code pollInterval} the
 * dispatcher claims those due (retries, and those whose lease ran out because a process died).
 * Finished deliveries are pruned after {@code webhooks.deliveryRetention} by a {@link RetentionPruner}.
 */
public final class WebhookDispatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcherVerticle.class);
  /** Deliveries claimed from the store per look. */
  static final int CLAIM_BATCH = 100;
  /** Outbox events relayed per transaction. */
  static final int RELAY_BATCH = 200;
  /** The longest wait a {@code Retry-After} can ask for; longer asks are cut to it. */
  static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);
  /** The shortest claim on a delivery; longer when the timeouts are. */
  static final Duration MIN_LEASE = Duration.ofSeconds(30);
  static final String USER_AGENT = "Stagecoach-Webhooks/1.0";
  /** What an alert for a disabled endpoint is called in {@code alert.raised}'s data. */
  static final String ALERT_WEBHOOK_DISABLED = "webhook.disabled";

  private final EngineMetrics metrics;
  private final WebhookConfig config;
  private final WebhookStore store;
  private final WebhookInterest interest;
  private final Clock clock;
  private final Map<String, Endpoint> endpoints = new HashMap<>();
  /** Deliveries this process has queued or in flight, so that a look at the store does not take them twice. */
  private final Set<String> held = new HashSet<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private HttpClientAgent http;
  private SsrfGuard guard;
  private long pollTimer = -1;
  private long refreshTimer = -1;
  private long cleanTimer = -1;
  private boolean polling;
  private boolean relaying;
  private boolean relayAgain;
  private boolean stopping;

  /** One endpoint's share of the dispatcher: attempts in flight, and deliveries waiting for a slot. */
  private static final class Endpoint {
    final ArrayDeque<Delivery> waiting = new ArrayDeque<>();
    int inFlight;
  }

  /** What an attempt came to. {@code statusCode} is null when no response came. */
  private record Outcome(Integer statusCode, String error, String address, String response, long latencyMs,
      Duration retryAfter) {
  }

  public WebhookDispatcherVerticle(WebhookConfig config, WebhookStore store, Clock clock, WebhookInterest interest) {
    this(config, store, clock, interest, EngineMetrics.DISCARDED);
  }

  /** A dispatcher whose attempts are counted in {@code metrics}. */
  public WebhookDispatcherVerticle(WebhookConfig config, WebhookStore store, Clock clock, WebhookInterest interest,
      EngineMetrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.store = store;
    this.interest = interest;
    this.clock = clock;
  }

  /** How long a claimed delivery is kept from other processes: long enough for one whole attempt, twice. */
  static Duration lease(WebhookConfig config) {
    Duration attempt = config.connectTimeout().plus(config.requestTimeout()).multipliedBy(2);
    return attempt.compareTo(MIN_LEASE) > 0 ? attempt : MIN_LEASE;
  }

  @Override
  public Future<?> start() {
    guard = new SsrfGuard(vertx, config.allowPrivate());
    return EndpointTrust.load(vertx, config.trustPem()).compose(this::serve);
  }

  /** Opens the HTTP client (certificates verified against {@code trust}), then consumes events and requests. */
  private Future<?> serve(TrustOptions trust) {
    http = vertx.createHttpClient(
        new HttpClientOptions()
            .setConnectTimeout((int) config.connectTimeout().toMillis())
            .setForceSni(true)
            .setMaxRedirects(0)
            .setKeepAlive(true)
            .setTrustOptions(trust),
        new PoolOptions().setHttp1MaxSize(config.maxInFlightPerEndpoint()));
    MessageConsumer<Void> events = vertx.eventBus().consumer(Addresses.OUTBOX_WAKE, m -> relay());
    consumers.add(events);
    WebhookService service = new WebhookService(store, guard, config, clock, this::dispatch, interest::refresh);
    Future<Void> read = interest.refresh()
        .recover(e -> {
          LOG.warn("webhook subscriptions could not be read yet; every event goes to the outbox until they are: {}",
              e.getMessage());
          return Future.succeededFuture();
        });
    return Future.all(read, events.completion(), service.register(vertx.eventBus(), consumers))
        .onSuccess(v -> {
          refreshTimer = vertx.setPeriodic(WebhookInterest.REFRESH_MS, t -> interest.refresh()
              .onFailure(e -> LOG.debug("webhook subscriptions not refreshed: {}", e.getMessage())));
          pollTimer = vertx.setPeriodic(config.pollInterval().toMillis(), t -> {
            relay();
            pollDue();
          });
          RetentionPruner pruner = new RetentionPruner("webhook deliveries", store::pruneDeliveries,
              config.deliveryRetention(), clock);
          cleanTimer = pruner.schedule(vertx);
          relay();
          pollDue();
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(refreshTimer);
    vertx.cancelTimer(cleanTimer);
    return http == null ? Future.succeededFuture() : http.close();
  }

  // ---- outbox → deliveries --------------------------------------------------------------------

  /** Relays outbox events in batches until the outbox is empty; one relay at a time, again if asked meanwhile. */
  private void relay() {
    if (stopping || !interest.known()) {
      return;
    }
    if (relaying) {
      relayAgain = true;
      return;
    }
    relaying = true;
    relayAgain = false;
    int[] taken = {0};
    store.relay(RELAY_BATCH, events -> {
      taken[0] = events.size();
      return fanOut(events);
    }).onComplete(ar -> {
      relaying = false;
      if (ar.failed()) {
        LOG.warn("webhook outbox could not be relayed; will try again: {}", ar.cause().getMessage());
        return;
      }
      dispatch(ar.result());
      if (relayAgain || taken[0] == RELAY_BATCH) {
        relay();
      }
    });
  }

  /** A pending delivery, claimed by this process, for each subscription that wants each event. */
  private Future<List<Delivery>> fanOut(List<OutboxEntry> events) {
    Instant now = clock.instant();
    Instant leaseEnd = now.plus(lease(config));
    List<Delivery> deliveries = new ArrayList<>();
    for (OutboxEntry event : events) {
      for (Subscription subscription : interest.of(event.tenant(), event.type())) {
        deliveries.add(Delivery.pending(JobIds.next(), subscription, event.eventId(), event.type(), event.body(), now,
            leaseEnd));
      }
    }
    return Future.succeededFuture(deliveries);
  }

  /** Looks for due deliveries; again at once while it finds new ones in full batches. */
  private void pollDue() {
    if (polling || stopping) {
      return;
    }
    polling = true;
    Instant now = clock.instant();
    store.claimDue(now, now.plus(lease(config)), CLAIM_BATCH)
        .onComplete(ar -> {
          polling = false;
          if (ar.failed()) {
            LOG.warn("due webhook deliveries could not be claimed: {}", ar.cause().getMessage());
            return;
          }
          long fresh = ar.result().stream().filter(d -> !held.contains(d.id())).count();
          dispatch(ar.result());
          if (ar.result().size() == CLAIM_BATCH && fresh > 0) {
            pollDue();
          }
        });
  }

  /** Queues claimed deliveries on their endpoints, and starts what the in-flight limits allow. */
  void dispatch(List<Delivery> deliveries) {
    for (Delivery delivery : deliveries) {
      if (stopping || !held.add(delivery.id())) {
        continue;
      }
      Endpoint endpoint = endpoints.computeIfAbsent(delivery.webhookId(), id -> new Endpoint());
      endpoint.waiting.add(delivery);
      drain(delivery.webhookId(), endpoint);
    }
  }

  private void drain(String webhookId, Endpoint endpoint) {
    while (!stopping && endpoint.inFlight < config.maxInFlightPerEndpoint() && !endpoint.waiting.isEmpty()) {
      Delivery delivery = endpoint.waiting.poll();
      endpoint.inFlight++;
      attempt(delivery).onComplete(ar -> {
        endpoint.inFlight--;
        held.remove(delivery.id());
        if (ar.failed()) {
          // The store did not take the outcome: the lease runs out and the delivery is tried again.
          LOG.warn("webhook delivery {} could not be settled: {}", delivery.id(), ar.cause().getMessage());
        }
        drain(webhookId, endpoint);
        if (endpoint.inFlight == 0 && endpoint.waiting.isEmpty()) {
          endpoints.remove(webhookId, endpoint);
        }
      });
    }
  }

  // ---- one attempt -----------------------------------------------------------------------------

  private Future<Void> attempt(Delivery delivery) {
    return store.get(delivery.webhookId()).compose(subscription -> {
      if (subscription == null) {
        return Future.succeededFuture();  // deleted, and its deliveries with it
      }
      if (subscription.isDisabled()) {
        return store.recordAttempt(delivery.id(), null, DeliveryStatus.FAILED, null);
      }
      Instant at = clock.instant();
      return guard.check(subscription.url())
          .compose(target -> send(target, delivery, subscription, at))
          .recover(refused -> Future.succeededFuture(new Outcome(null, refused.getMessage(), null, null, 0, null)))
          .compose(outcome -> settle(subscription, delivery, at, outcome));
    });
  }

  /** POSTs the stored body to the checked address; answers the outcome (never fails). */
  private Future<Outcome> send(SsrfGuard.Target target, Delivery delivery, Subscription subscription, Instant at) {
    long timestamp = at.getEpochSecond();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.ssl())
        .setURI(target.requestUri())
        .setFollowRedirects(false)
        .setConnectTimeout(config.connectTimeout().toMillis())
        .setIdleTimeout(config.requestTimeout().toMillis())
        .putHeader("content-type", "application/json")
        .putHeader("user-agent", USER_AGENT)
        .putHeader("webhook-id", delivery.eventId())
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", Signer.header(subscription.signingSecrets(at), delivery.eventId(), timestamp,
            delivery.body()));
    String address = target.addressText();
    long started = System.nanoTime();
    boolean[] timedOut = {false};
    return http.request(options)
        .compose(request -> {
          // The idle timeout catches silence; this deadline catches a receiver that trickles.
          long deadline = vertx.setTimer(config.requestTimeout().toMillis(), t -> {
            timedOut[0] = true;
            request.reset();
          });
          return request.send(Buffer.buffer(delivery.body()))
              .compose(response -> outcome(response, address, started))
              .eventually(() -> {
                vertx.cancelTimer(deadline);
                return Future.succeededFuture();
              });
        })
        .recover(e -> Future.succeededFuture(new Outcome(null,
            timedOut[0] ? "no answer within " + config.requestTimeout().toMillis() + " ms" : describe(e), address, null,
            elapsedMs(started), null)));
  }

  private Future<Outcome> outcome(HttpClientResponse response, String address, long started) {
    Buffer head = Buffer.buffer();
    int keep = Attempt.MAX_RESPONSE_CHARS * 4;  // bytes enough for the characters kept
    response.handler(chunk -> {
      if (head.length() < keep) {
        head.appendBuffer(chunk.slice(0, Math.min(chunk.length(), keep - head.length())));
      }
    });
    return response.end().map(v -> {
      int status = response.statusCode();
      String text = head.toString(StandardCharsets.UTF_8);
      // A NUL would not be stored on PostgreSQL, and the attempt with it: kept as U+FFFD, like any NUL a handler reports.
      String kept = NulCharacters.replaced(
          text.length() > Attempt.MAX_RESPONSE_CHARS ? text.substring(0, Attempt.MAX_RESPONSE_CHARS) : text);
      String error = status >= 200 && status < 300 ? null
          : status >= 300 && status < 400 ? "redirect " + status + " to " + response.getHeader("location") + " not followed"
          : "HTTP " + status;
      return new Outcome(status, error, address, kept, elapsedMs(started), retryAfter(response.getHeader("retry-after")));
    });
  }

  /** Records the attempt and moves the delivery (and, on the way, the endpoint's health) on. */
  private Future<Void> settle(Subscription subscription, Delivery delivery, Instant at, Outcome outcome) {
    Attempt attempt = new Attempt(delivery.attempts() + 1, at, outcome.statusCode(), outcome.latencyMs(),
        outcome.error(), outcome.address(), outcome.response());
    if (attempt.succeeded()) {
      metrics.webhookAttempt("succeeded", outcome.latencyMs());
      return store.recordAttempt(delivery.id(), attempt, DeliveryStatus.SUCCEEDED, null)
          .compose(v -> subscription.failingSince() != null ? store.markHealthy(subscription.id()) : Future.succeededFuture());
    }
    if (outcome.statusCode() != null && outcome.statusCode() == 410) {
      metrics.webhookAttempt("failed", outcome.latencyMs());
      return store.recordAttempt(delivery.id(), attempt, DeliveryStatus.FAILED, null)
          .compose(v -> disable(subscription, "the endpoint answered 410 Gone"));
    }
    Instant now = clock.instant();
    boolean retry = delivery.attempts() < config.retrySchedule().size();
    Instant next = retry ? now.plus(retryDelay(config.retrySchedule().get(delivery.attempts()), outcome.retryAfter())) : null;
    metrics.webhookAttempt(retry ? "retrying" : "failed", outcome.latencyMs());
    Future<Void> recorded = store.recordAttempt(delivery.id(), attempt, retry ? DeliveryStatus.PENDING : DeliveryStatus.FAILED, next)
        .compose(v -> store.markFailing(subscription.id(), at));
    Instant failingSince = subscription.failingSince();
    if (failingSince != null && !Duration.between(failingSince, now).minus(config.disableAfter()).isNegative()) {
      return recorded.compose(v -> disable(subscription, "failing since " + JobJson.instant(failingSince)
          + " without a success (" + outcome.error() + ")"));
    }
    return recorded;
  }

  /** The scheduled wait plus up to a fifth of jitter, or what {@code Retry-After} asked if that is longer. */
  static Duration retryDelay(Duration scheduled, Duration retryAfter) {
    long jitter = scheduled.toMillis() / 5 == 0 ? 0 : ThreadLocalRandom.current().nextLong(scheduled.toMillis() / 5 + 1);
    Duration delay = scheduled.plusMillis(jitter);
    if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
      return retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
    }
    return delay;
  }

  /** A {@code Retry-After} value: seconds, or an HTTP date; null when absent or unreadable. */
  Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.trim();
    if (value.matches("\\d{1,9}")) {
      return Duration.ofSeconds(Long.parseLong(value));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(clock.instant(), at);
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Disables the endpoint and, if this call did, asks for a {@code webhook.disabled} alert. */
  private Future<Void> disable(Subscription subscription, String reason) {
    return store.disable(subscription.id(), clock.instant(), reason).map(disabled -> {
      interest.refresh();
      if (disabled) {
        LOG.warn("webhook {} of tenant {} ({}) disabled: {}", subscription.id(), subscription.tenant(),
            subscription.url(), reason);
        // The alerts verticle stores it (deduplicated) and publishes alert.raised.
        vertx.eventBus().publish(Addresses.ALERTS_RAISE, new JsonObject()
            .put("tenant", subscription.tenant())
            .put("type", ALERT_WEBHOOK_DISABLED)
            .put("subject", subscription.id())
            .put("message", "webhook " + subscription.url() + " disabled: " + reason));
      }
      return null;
    });
  }

  private static long elapsedMs(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
  }

  /** The failure and, when it wraps one, its root cause: a TLS failure's says which certificate check failed. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = e.getClass().getSimpleName() + (isBlank(e.getMessage()) ? "" : ": " + e.getMessage());
    return root == e || isBlank(root.getMessage()) ? text : text + " (" + root.getMessage() + ")";
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }
}
