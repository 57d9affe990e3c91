package io.stagecoach.lock.redis;

import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.lock.LockBackend;
import io.stagecoach.lock.LockInfo;
import io.stagecoach.lock.LockResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locks shared by any number of engine processes through Redis. A lock is one string key set
 * with {@code SET NX PX} to {@code "<token> <fencing token> <holder>"}; renew and release are Lua
 * scripts that compare the token, and a per-key counter gives the fencing tokens. Releases are
 * published on a channel so every process can wake the jobs waiting for the key.
 *
 * <p>Redis may lose its data (a restart without persistence, a flush): the locks go, while their
 * holders may run on for up to a TTL. A guard key records that this Redis has granted before;
 * where it is missing, no lock is granted for {@code pauseAfterDataLoss} (Redlock's delayed
 * restart; the holders stop within their TTL, see {@code HeldLock}), and fencing tokens are never
 * less than the grant's time in microseconds, so they keep growing without the lost counters.
 */
public final class RedisLockBackend implements LockBackend {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLockBackend.class);
  /** Where every key of a default deployment lives; tests use their own namespace. */
  public static final String DEFAULT_NAMESPACE = "stagecoach";
  private static final long RECONNECT_DELAY_MS = 1_000;

  private final Vertx vertx;
  private final Redis redis;
  private final Clock clock;
  private final String lockPrefix;
  private final String fencePrefix;
  private final String releasedChannel;
  private final String guardKey;
  private final String pauseAfterDataLossMs;
  private final String acquireScript = script("acquire.lua");
  private final String renewScript = script("renew.lua");
  private final String releaseScript = script("release.lua");
  private volatile boolean closed;
  private RedisConnection subscription;

  private RedisLockBackend(Vertx vertx, Redis redis, Clock clock, String namespace, Duration pauseAfterDataLoss) {
    this.vertx = vertx;
    this.redis = redis;
    this.clock = clock;
    this.lockPrefix = namespace + ":lock:";
    this.fencePrefix = namespace + ":fence:";
    this.releasedChannel = namespace + ":lock-released";
    this.guardKey = namespace + ":grants-guard";
    this.pauseAfterDataLossMs = String.valueOf(pauseAfterDataLoss.toMillis());
  }

  /**
   * A backend on {@code redisUri} (e.g. {@code redis://127.0.0.1:6379}) that grants nothing for
   * {@code pauseAfterDataLoss} when Redis has lost its data (at least the longest lock TTL of any
   * engine sharing it); no connection is made until used.
   */
  public static RedisLockBackend create(Vertx vertx, String redisUri, Clock clock, Duration pauseAfterDataLoss) {
    return create(vertx, redisUri, clock, DEFAULT_NAMESPACE, pauseAfterDataLoss);
  }

  /** A backend whose keys and channel all start with {@code namespace}. */
  public static RedisLockBackend create(Vertx vertx, String redisUri, Clock clock, String namespace,
      Duration pauseAfterDataLoss) {
    RedisOptions options = new RedisOptions().setConnectionString(redisUri)
        .setMaxPoolSize(8).setMaxPoolWaiting(1024).setMaxWaitingHandlers(1024);
    options.getNetClientOptions().setConnectTimeout(2_000);
    return new RedisLockBackend(vertx, Redis.createClient(vertx, options), clock, namespace, pauseAfterDataLoss);
  }

  @Override
  public Future<LockResult> acquire(String key, String holder, Duration ttl) {
    String token = UUID.randomUUID().toString();
    return eval(acquireScript, List.of(lockPrefix + key, fencePrefix + key, guardKey), token, holder,
        String.valueOf(ttl.toMillis()), pauseAfterDataLossMs)
        .compose(r -> switch (r.get(0).toInteger()) {
          case 1 -> Future.succeededFuture(LockResult.granted(token, r.get(1).toLong()));
          case 0 -> Future.succeededFuture(LockResult.busy(r.get(2).toString()));
          default -> Future.failedFuture(new StagecoachException(ErrorCode.UNAVAILABLE, "no lock is granted for another "
              + r.get(1).toLong() + " ms: Redis has no record of earlier grants (it is new, or restarted without its"
              + " data), and holders from before may still be running"));
        });
  }

  @Override
  public Future<Boolean> renew(String key, String token, Duration ttl) {
    return eval(renewScript, List.of(lockPrefix + key), token, String.valueOf(ttl.toMillis()))
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> release(String key, String token) {
    return eval(releaseScript, List.of(lockPrefix + key), token, releasedChannel, key)
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> forceRelease(String key) {
    return send(Request.cmd(Command.DEL).arg(lockPrefix + key))
        .compose(r -> r.toInteger() == 1
            ? send(Request.cmd(Command.PUBLISH).arg(releasedChannel).arg(key)).map(true)
            : Future.succeededFuture(false));
  }

  @Override
  public Future<List<LockInfo>> list() {
    return scan("0", new ArrayList<>()).compose(keys -> {
      List<Future<LockInfo>> infos = new ArrayList<>();
      for (String key : keys) {
        infos.add(info(key));
      }
      return Future.join(infos).map(all -> {
        List<LockInfo> held = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          LockInfo info = all.resultAt(i);
          if (info != null) {
            held.add(info);
          }
        }
        return held;
      });
    });
  }

  private Future<List<String>> scan(String cursor, List<String> keys) {
    return send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(lockPrefix + "*").arg("COUNT").arg(500))
        .compose(r -> {
          r.get(1).forEach(k -> keys.add(k.toString()));
          String next = r.get(0).toString();
          return "0".equals(next) ? Future.succeededFuture(keys) : scan(next, keys);
        });
  }

  private Future<LockInfo> info(String redisKey) {
    return Future.all(send(Request.cmd(Command.GET).arg(redisKey)), send(Request.cmd(Command.PTTL).arg(redisKey)))
        .map(both -> {
          Response value = both.resultAt(0);
          Response pttl = both.resultAt(1);
          if (value == null || pttl == null || pttl.toLong() < 0) {
            return null; // released or expired between SCAN and GET
          }
          String[] parts = value.toString().split(" ", 3);
          return new LockInfo(redisKey.substring(lockPrefix.length()), parts.length > 2 ? parts[2] : "",
              Long.parseLong(parts[1]), clock.instant().plusMillis(pttl.toLong()));
        });
  }

  @Override
  public Future<Void> ping() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  /**
   * Calls {@code onRelease} with the key of every lock released by any process, over Redis
   * pub/sub; reconnects by itself when the connection drops.
   */
  @Override
  public Future<Void> listenForReleases(Consumer<String> onRelease) {
    return redis.connect().compose(conn -> {
      subscription = conn;
      conn.handler(message -> {
        if (message.type() == ResponseType.PUSH || message.type() == ResponseType.MULTI) {
          if (message.size() == 3 && "message".equals(message.get(0).toString())) {
            onRelease.accept(message.get(2).toString());
          }
        }
      });
      conn.exceptionHandler(e -> LOG.warn("lock release subscription failed: {}", e.getMessage()));
      conn.endHandler(v -> {
        if (!closed) {
          vertx.setTimer(RECONNECT_DELAY_MS, t -> resubscribe(onRelease));
        }
      });
      return conn.send(Request.cmd(Command.SUBSCRIBE).arg(releasedChannel)).mapEmpty();
    });
  }

  private void resubscribe(Consumer<String> onRelease) {
    listenForReleases(onRelease).onFailure(e -> {
      if (!closed) {
        vertx.setTimer(RECONNECT_DELAY_MS, t -> resubscribe(onRelease));
      }
    });
  }

  @Override
  public Future<Void> close() {
    closed = true;
    if (subscription != null) {
      subscription.close();
    }
    redis.close();
    return Future.succeededFuture();
  }

  private Future<Response> eval(String script, List<String> keys, String... args) {
    Request request = Request.cmd(Command.EVAL).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    for (String arg : args) {
      request.arg(arg);
    }
    return send(request);
  }

  /** Sends a command; a Redis that cannot be reached is {@code unavailable}, never a hang. */
  private Future<Response> send(Request request) {
    return redis.send(request)
        .timeout(5, java.util.concurrent.TimeUnit.SECONDS)
        .recover(e -> Future.failedFuture(StagecoachException.unavailable("the lock backend is unavailable", e)));
  }

  private static String script(String name) {
    try (InputStream in = RedisLockBackend.class.getResourceAsStream("/redis/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
