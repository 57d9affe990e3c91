package io.stagecoach.bench;

import java.util.List;

/** {@code bench} command-line options; see {@link #USAGE}. */
record BenchOptions(String store, String pgUri, String path, List<String> workloads, int jobs, int concurrency,
    int prefetch, int samples, int warmUpSeconds) {

  static final String USAGE = """
      usage: java -jar stagecoach.jar bench [options]
        --store memory|postgres   job store (default memory)
        --pg-uri URI              PostgreSQL for --store postgres (default: env STAGECOACH_PG_URI)
        --path bus|rest           submit through JobClient on the event bus, or HTTP (default bus)
        --workload drain|latency|scale|all   (default all)
        --jobs N                  drain size (default 20000)
        --concurrency C           runner concurrency (default 32)
        --prefetch P              jobs claimed ahead of free slots, runner.prefetch (default 0)
        --samples M               latency samples after 50 warm-up (default 500)
        --warm-up S               untimed drains first: at least 3, for at least S seconds, then while the
                                  JIT compiles for over 5% of a drain, up to 6 times S seconds (default 10)
      Prints one JSON line per workload on stdout; progress goes to stderr.""";

  static BenchOptions parse(String[] args) {
    String store = "memory";
    String pgUri = System.getenv("STAGECOACH_PG_URI");
    String path = "bus";
    String workload = "all";
    int jobs = 20_000;
    int concurrency = 32;
    int prefetch = 0;
    int samples = 500;
    int warmUpSeconds = 10;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--store" -> store = oneOf("--store", value, "memory", "postgres");
        case "--pg-uri" -> pgUri = required("--pg-uri", value);
        case "--path" -> path = oneOf("--path", value, "bus", "rest");
        case "--workload" -> workload = oneOf("--workload", value, "drain", "latency", "scale", "all");
        case "--jobs" -> jobs = positive("--jobs", value);
        case "--concurrency" -> concurrency = positive("--concurrency", value);
        case "--prefetch" -> prefetch = nonNegative("--prefetch", value);
        case "--samples" -> samples = positive("--samples", value);
        case "--warm-up" -> warmUpSeconds = nonNegative("--warm-up", value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
      i++;
    }
    if ("postgres".equals(store) && pgUri == null) {
      throw new IllegalArgumentException("--store postgres needs --pg-uri or STAGECOACH_PG_URI");
    }
    List<String> workloads = "all".equals(workload) ? List.of("drain", "latency", "scale") : List.of(workload);
    return new BenchOptions(store, pgUri, path, workloads, jobs, concurrency, prefetch, samples, warmUpSeconds);
  }

  /** The {@code system} field of every line, e.g. {@code stagecoach-memory-bus}. */
  String system() {
    return "stagecoach-" + store + "-" + path;
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  private static String oneOf(String option, String value, String... allowed) {
    for (String a : allowed) {
      if (a.equals(value)) {
        return a;
      }
    }
    throw new IllegalArgumentException(option + " must be one of " + String.join(", ", allowed));
  }

  private static int nonNegative(String option, String value) {
    try {
      int n = Integer.parseInt(required(option, value));
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw new IllegalArgumentException(option + " must be 0 or a positive whole number");
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(required(option, value));
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw new IllegalArgumentException(option + " must be a positive whole number");
  }
}
