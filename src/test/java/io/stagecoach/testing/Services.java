package io.stagecoach.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The external services some suites talk to: PostgreSQL and Redis on this machine, or where the
 * environment says. A suite calls {@link #postgres()} or {@link #redis()} first (in
 * {@code @BeforeAll}): when the service does not answer, the suite is skipped with a message on how
 * to run it, or fails when {@value #REQUIRE_ENV}{@code =true} (as CI sets it), so that a missing
 * service can never pass for a green build.
 */
public final class Services {
  public static final String PG_URI_ENV = "STAGECOACH_TEST_PG_URI";
  public static final String REDIS_URI_ENV = "STAGECOACH_TEST_REDIS_URI";
  public static final String REQUIRE_ENV = "STAGECOACH_REQUIRE_SERVICES";
  public static final String DEFAULT_PG_URI = "postgresql://postgres@127.0.0.1:5432/postgres";
  public static final String DEFAULT_REDIS_URI = "redis://127.0.0.1:6379";
  private static final int PROBE_TIMEOUT_MS = 1_000;

  /** Probe results by host:port, so that each service is probed once per test run. */
  private static final Map<String, Boolean> REACHABLE = new ConcurrentHashMap<>();

  private Services() {
  }

  /** The PostgreSQL URI tests use ({@value #PG_URI_ENV}, defaulting to {@value #DEFAULT_PG_URI}), once it answers. */
  public static String postgres() {
    String uri = env(PG_URI_ENV, DEFAULT_PG_URI);
    require("PostgreSQL", uri, 5432, PG_URI_ENV,
        "start it (pg_ctlcluster --skip-systemctl-redirect <version> main start)");
    return uri;
  }

  /** The Redis URI tests use ({@value #REDIS_URI_ENV}, defaulting to {@value #DEFAULT_REDIS_URI}), once it answers. */
  public static String redis() {
    String uri = env(REDIS_URI_ENV, DEFAULT_REDIS_URI);
    require("Redis", uri, 6379, REDIS_URI_ENV, "start it (redis-server --daemonize yes)");
    return uri;
  }

  /**
   * The {@code redis-server} program, for suites that run a Redis of their own to restart it; a
   * missing one skips them, or fails them as a missing service does.
   */
  public static Path redisServer() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message = "redis-server is not on the PATH; install it (apt-get install redis-server) to run these tests.";
    if (required()) {
      Assertions.fail(message);
    }
    Assumptions.abort(message);
    return null;
  }

  /** Whether {@value #REQUIRE_ENV} asks for missing services to fail the suites that need them. */
  public static boolean required() {
    return "true".equalsIgnoreCase(System.getenv(REQUIRE_ENV));
  }

  private static void require(String service, String uri, int defaultPort, String envName, String howToStart) {
    URI parsed = URI.create(uri);
    String host = parsed.getHost() == null ? "127.0.0.1" : parsed.getHost();
    int port = parsed.getPort() < 0 ? defaultPort : parsed.getPort();
    if (REACHABLE.computeIfAbsent(host + ":" + port, k -> answers(host, port))) {
      return;
    }
    String message = service + " is not reachable at " + host + ":" + port + ". To run these tests, "
        + howToStart + " or set " + envName + " to a " + service + " URI. With " + REQUIRE_ENV
        + "=true a missing service fails the build instead of skipping.";
    if (required()) {
      Assertions.fail(message);
    }
    Assumptions.abort(message);
  }

  private static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
