package io.stagecoach.testing;

import io.stagecoach.Main;
import java.io.IOException;
import java.nio.file.Path;

/** An engine in a process of its own ({@code java io.stagecoach.Main --conf ...}), for tests that kill it. */
public final class ChildEngine {
  private ChildEngine() {
  }

  /** Starts it with the config file {@code conf}, its output going to {@code log}; the test's service URIs are not inherited. */
  public static Process start(Path conf, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--conf", conf.toString());
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().remove("STAGECOACH_PG_URI");
    builder.environment().remove("STAGECOACH_REDIS_URI");
    return builder.start();
  }
}
