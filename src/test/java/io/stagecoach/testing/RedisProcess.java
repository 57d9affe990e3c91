package io.stagecoach.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of a test's own, on a free loopback port, without persistence (as this
 * project's Redis runs): {@link #restartEmpty} kills it with SIGKILL and starts it again, so that
 * it comes back having lost every key, as a restart without persistence does.
 */
public final class RedisProcess {
  private final int port;
  private Process process;

  private RedisProcess(int port) {
    this.port = port;
  }

  /** Starts one and completes once it accepts connections. */
  public static Future<RedisProcess> start(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      try (ServerSocket free = new ServerSocket(0)) {
        return new RedisProcess(free.getLocalPort());
      }
    }).compose(redis -> redis.launch(vertx).map(redis));
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** SIGKILL, then a new server on the same port: every key is gone. */
  public Future<Void> restartEmpty(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      kill();
      return null;
    }).compose(v -> launch(vertx));
  }

  public Future<Void> stop(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      kill();
      return null;
    });
  }

  private void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      process = null;
    }
  }

  private Future<Void> launch(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      process = new ProcessBuilder(Services.redisServer().toString(), "--port", String.valueOf(port),
          "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return null;
    }).compose(v -> Await.until(vertx, () -> answers(vertx), ok -> ok, Duration.ofSeconds(10))).mapEmpty();
  }

  private Future<Boolean> answers(Vertx vertx) {
    NetClient client = vertx.createNetClient();
    return client.connect(port, "127.0.0.1")
        .compose(socket -> socket.close().map(true))
        .otherwise(false)
        .eventually(client::close);
  }
}
