package io.stagecoach.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** Milliseconds the JIT has spent compiling in this JVM; always 0 where the JVM does not tell. */
final class JitClock {
  private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();

  long millis() {
    return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime() : 0;
  }
}
