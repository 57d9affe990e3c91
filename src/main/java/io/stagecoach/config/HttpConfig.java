package io.stagecoach.config;

/**
 * The REST listener.
 *
 * @param host address to bind; defaults to {@value #DEFAULT_HOST}
 * @param port port to bind, 0 for any free one; defaults to {@value #DEFAULT_PORT}
 * @param maxBodyBytes largest request body accepted; defaults to {@value #DEFAULT_MAX_BODY_BYTES}
 */
public record HttpConfig(String host, int port, long maxBodyBytes) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  static HttpConfig read(Section s) {
    return new HttpConfig(
        s.string("host", DEFAULT_HOST),
        s.integer("port", DEFAULT_PORT, 0, 65535),
        s.number("maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 1024, 64L * 1024 * 1024));
  }
}
