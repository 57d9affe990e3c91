package io.stagecoach;

import io.stagecoach.bench.Bench;
import io.stagecoach.config.ConfigLoader;
import io.stagecoach.runner.JobTypeRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar stagecoach.jar [--conf FILE]}: loads and validates the config, then deploys the engine. */
public final class Main {
  private static final String USAGE = """
      usage: java -jar stagecoach.jar [--conf FILE]
             java -jar stagecoach.jar bench [options]   (bench --help for its options)
        --conf FILE   JSON config (default: conf/config.json if present, else built-in defaults)
      Environment overrides: STAGECOACH_HTTP_HOST, STAGECOACH_HTTP_PORT,
        STAGECOACH_PG_URI (PostgreSQL store), STAGECOACH_REDIS_URI (Redis locks),
        STAGECOACH_JWT_SECRET (HS256 secret for API tokens; without any key a development token is printed)""";

  private Main() {
  }

  public static void main(String[] args) {
    if (args.length > 0 && "bench".equals(args[0])) {
      Bench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Path conf = null;
    for (int i = 0; i < args.length; i++) {
      if ("--conf".equals(args[i]) && i + 1 < args.length) {
        conf = Path.of(args[++i]);
      } else {
        System.err.println(("--help".equals(args[i]) || "-h".equals(args[i]) ? "" : "unknown argument: " + args[i] + "\n") + USAGE);
        System.exit("--help".equals(args[i]) || "-h".equals(args[i]) ? 0 : 2);
      }
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    Vertx vertx = Vertx.vertx();
    ConfigLoader.load(vertx, conf)
        .compose(config -> Stagecoach.deploy(vertx, config, new JobTypeRegistry()))
        .onSuccess(engine -> {
          announce(engine, log);
          Runtime.getRuntime().addShutdownHook(new Thread(() -> engine.stop()
              .eventually(vertx::close).toCompletionStage().toCompletableFuture().join()));
        })
        .onFailure(e -> {
          System.err.println("Stagecoach could not start: " + e.getMessage());
          vertx.close().onComplete(v -> System.exit(1));
        });
  }

  /** Where to try the API; with development auth, the token to try it with, on stderr where it is seen. */
  private static void announce(Stagecoach engine, Logger log) {
    String host = engine.config().http().host();
    String url = "http://" + ("0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host) + ":" + engine.httpPort()
        + "/api/v1/job-types";
    engine.developmentToken().ifPresentOrElse(token -> System.err.println("""

        Stagecoach started with development auth: no token keys are configured, so this run signs
        its own tokens with a throwaway secret. An operator token for tenant "default", valid 24 h:

          export TOKEN=%s

          curl -H "Authorization: Bearer $TOKEN" %s

        For real tokens set STAGECOACH_JWT_SECRET or the "auth" section of the config (README: Security).
        """.formatted(token, url)),
        () -> log.info("Stagecoach started; try: curl -H \"Authorization: Bearer $TOKEN\" {}", url));
  }
}
