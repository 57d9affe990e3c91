package io.stagecoach;

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
        --conf FILE   JSON config (default: conf/config.json if present, else built-in defaults)
      Environment overrides: STAGECOACH_HTTP_HOST, STAGECOACH_HTTP_PORT""";

  private Main() {
  }

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
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
          log.info("Stagecoach started; try: curl http://127.0.0.1:{}/api/v1/job-types", engine.httpPort());
          Runtime.getRuntime().addShutdownHook(new Thread(() -> engine.stop()
              .eventually(vertx::close).toCompletionStage().toCompletableFuture().join()));
        })
        .onFailure(e -> {
          System.err.println("Stagecoach could not start: " + e.getMessage());
          vertx.close().onComplete(v -> System.exit(1));
        });
  }
}
