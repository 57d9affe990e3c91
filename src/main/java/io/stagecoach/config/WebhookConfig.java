package io.stagecoach.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The webhook dispatcher.
 *
 * @param allowPrivate whether endpoints may be on loopback, private (RFC 1918), CGNAT or unique-local
 *     addresses, for local setups and tests (env {@code STAGECOACH_WEBHOOKS_ALLOW_PRIVATE}); defaults to false
 * @param retrySchedule the wait before each retry after a failed attempt (jitter of up to a fifth is
 *     added), as durations such as {@code "5s"}, {@code "5m"}, {@code "2h"}; its length is the number of
 *     retries; defaults to 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts over about a day)
 * @param connectTimeout time to open the connection to an endpoint; defaults to 5 s
 * @param requestTimeout time for an endpoint to answer, once connected; defaults to 15 s
 * @param maxInFlightPerEndpoint attempts one endpoint may have outstanding at once; more wait their turn
 *     without holding up other endpoints; defaults to {@value #DEFAULT_MAX_IN_FLIGHT_PER_ENDPOINT}
 * @param disableAfter how long an endpoint may keep failing (no success since its first failure)
 *     before it is disabled; defaults to 5 days
 * @param secretGracePeriod how long the previous secret keeps signing after a rotation; defaults to 24 h
 * @param pollInterval how often the dispatcher looks for due retries; defaults to 1 s
 * @param maxPerTenant subscriptions one tenant may have, disabled ones included; defaults to
 *     {@value #DEFAULT_MAX_PER_TENANT}
 * @param deliveryRetention how long a finished (succeeded or failed) delivery and its attempts are
 *     kept; defaults to 7 days
 * @param trustPem a PEM file of CA certificates to trust for {@code https} endpoints besides the
 *     JVM's default ones (a private CA, or a self-signed endpoint); env
 *     {@code STAGECOACH_WEBHOOKS_TRUST_PEM}; defaults to none
 */
public record WebhookConfig(boolean allowPrivate, List<Duration> retrySchedule, Duration connectTimeout,
    Duration requestTimeout, int maxInFlightPerEndpoint, Duration disableAfter, Duration secretGracePeriod,
    Duration pollInterval, int maxPerTenant, Duration deliveryRetention, String trustPem) {
  public static final List<Duration> DEFAULT_RETRY_SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
      Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);
  public static final int DEFAULT_MAX_IN_FLIGHT_PER_ENDPOINT = 4;
  public static final Duration DEFAULT_DISABLE_AFTER = Duration.ofDays(5);
  public static final Duration DEFAULT_SECRET_GRACE_PERIOD = Duration.ofHours(24);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_PER_TENANT = 50;
  public static final Duration DEFAULT_DELIVERY_RETENTION = Duration.ofDays(7);

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  public WebhookConfig {
    retrySchedule = List.copyOf(retrySchedule);
  }

  static WebhookConfig read(Section s) {
    Duration min = Duration.ofMillis(1);
    List<String> schedule = s.strings("retrySchedule");
    return new WebhookConfig(
        s.bool("allowPrivate", false),
        schedule.isEmpty() ? DEFAULT_RETRY_SCHEDULE : durations("webhooks.retrySchedule", schedule),
        s.millis("connectTimeoutMs", DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(10)),
        s.millis("requestTimeoutMs", DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(10)),
        s.integer("maxInFlightPerEndpoint", DEFAULT_MAX_IN_FLIGHT_PER_ENDPOINT, 1, 1_000),
        s.millis("disableAfterMs", DEFAULT_DISABLE_AFTER, min),
        s.millis("secretGracePeriodMs", DEFAULT_SECRET_GRACE_PERIOD, Duration.ZERO),
        s.millis("pollIntervalMs", DEFAULT_POLL_INTERVAL, Duration.ofMillis(10)),
        s.integer("maxPerTenant", DEFAULT_MAX_PER_TENANT, 1, 100_000),
        s.millis("deliveryRetentionMs", DEFAULT_DELIVERY_RETENTION, Duration.ofMinutes(1)),
        s.string("trustPem", null));
  }

  /** Parses {@code "250ms"}, {@code "5s"}, {@code "5m"}, {@code "2h"}, {@code "1d"}. */
  static List<Duration> durations(String key, List<String> texts) {
    if (texts.size() > 100) {
      throw new ConfigException(key + " has more than 100 entries");
    }
    List<Duration> durations = new ArrayList<>();
    for (String text : texts) {
      Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new ConfigException(key + " entries must be durations such as \"500ms\", \"5s\", \"5m\", \"2h\", \"1d\", not '"
            + text + "'");
      }
      long n = Long.parseLong(m.group(1));
      durations.add(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
    }
    return durations;
  }
}
