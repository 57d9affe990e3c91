package io.stagecoach.config;

import java.time.Duration;

/**
 * The REST listener.
 *
 * @param host address to bind; defaults to {@value #DEFAULT_HOST}
 * @param port port to bind, 0 for any free one; defaults to {@value #DEFAULT_PORT}
 * @param maxBodyBytes largest request body accepted; defaults to {@value #DEFAULT_MAX_BODY_BYTES}
 * @param idleTimeout how long a connection may send nothing while it owes a request (before its
 *     first one, or after an answer); defaults to {@link #DEFAULT_IDLE_TIMEOUT}, 60 seconds
 * @param requestReadTimeout how long a request may take to arrive whole, from its first byte to
 *     the end of its body, however steadily it trickles; defaults to
 *     {@link #DEFAULT_REQUEST_READ_TIMEOUT}, 30 seconds
 */
public record HttpConfig(String host, int port, long maxBodyBytes, Duration idleTimeout, Duration requestReadTimeout) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_REQUEST_READ_TIMEOUT = Duration.ofSeconds(30);
  /** The least either timeout may be set to. */
  static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
  /** The most either timeout may be set to: a connection never waits longer than this for its client. */
  static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  /** A listener with the default timeouts. */
  public HttpConfig(String host, int port, long maxBodyBytes) {
    this(host, port, maxBodyBytes, DEFAULT_IDLE_TIMEOUT, DEFAULT_REQUEST_READ_TIMEOUT);
  }

  static HttpConfig read(Section s) {
    return new HttpConfig(
        s.string("host", DEFAULT_HOST),
        s.integer("port", DEFAULT_PORT, 0, 65535),
        s.number("maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 1024, 64L * 1024 * 1024),
        timeout(s, "idleTimeoutMs", DEFAULT_IDLE_TIMEOUT),
        timeout(s, "requestReadTimeoutMs", DEFAULT_REQUEST_READ_TIMEOUT));
  }

  private static Duration timeout(Section s, String key, Duration fallback) {
    return Duration.ofMillis(s.number(key, fallback.toMillis(), MIN_TIMEOUT.toMillis(), MAX_TIMEOUT.toMillis()));
  }
}
