package io.stagecoach.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a real server, for outage tests: {@link #cut()} drops every connection
 * and refuses new ones, as a dead database would; {@link #partition()} keeps connections open but
 * lets no byte through, as a network partition does (requests hang until their client times out);
 * {@link #restore()} lets traffic through again.
 */
public final class TcpProxy {
  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private volatile boolean cut;
  private volatile boolean partitioned;

  private TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  /** A proxy on a free local port. */
  public static Future<TcpProxy> start(Vertx vertx, String targetHost, int targetPort) {
    TcpProxy proxy = new TcpProxy(vertx, targetHost, targetPort);
    proxy.server = vertx.createNetServer().connectHandler(proxy::accept);
    return proxy.server.listen(0, "127.0.0.1").map(proxy);
  }

  /** A proxy on a free local port in front of the server a URI names ({@code postgresql://…}, {@code redis://…}). */
  public static Future<TcpProxy> inFrontOf(Vertx vertx, String uri) {
    java.net.URI server = java.net.URI.create(uri.replaceFirst("^[a-z]+://", "tcp://"));
    return start(vertx, server.getHost(), server.getPort());
  }

  public int port() {
    return server.actualPort();
  }

  private void accept(NetSocket inbound) {
    if (cut) {
      inbound.close();
      return;
    }
    inbound.pause();
    client.connect(targetPort, targetHost).onComplete(ar -> {
      if (ar.failed() || cut) {
        inbound.close();
        if (ar.succeeded()) {
          ar.result().close();
        }
        return;
      }
      NetSocket outbound = ar.result();
      sockets.add(inbound);
      sockets.add(outbound);
      inbound.handler(bytes -> forward(bytes, outbound));
      outbound.handler(bytes -> forward(bytes, inbound));
      inbound.closeHandler(v -> close(outbound));
      outbound.closeHandler(v -> close(inbound));
      inbound.resume();
    });
  }

  private void forward(Buffer bytes, NetSocket to) {
    if (!partitioned) {
      to.write(bytes);
    }
  }

  private void close(NetSocket socket) {
    sockets.remove(socket);
    socket.close();
  }

  /** Drops every open connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    sockets.forEach(this::close);
  }

  /** Lets nothing through, either way, on open or new connections, until {@link #restore()}; bytes sent meanwhile are lost. */
  public void partition() {
    partitioned = true;
  }

  public void restore() {
    cut = false;
    partitioned = false;
  }

  public Future<Void> stop() {
    cut();
    return server.close().compose(v -> client.close());
  }
}
