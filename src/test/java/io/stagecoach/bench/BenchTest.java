package io.stagecoach.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bench command runs and prints well-formed lines; how fast it is is measured, never asserted. */
@DisplayName("bench command")
class BenchTest {
  private Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @ParameterizedTest(name = "--path {0}")
  @Timeout(120)
  @ValueSource(strings = {"bus", "rest"})
  @DisplayName("drain and latency on a tiny N print one line each, with every field")
  void drainAndLatency(String path) throws Exception {
    Bench bench = new Bench(BenchOptions.parse(new String[] {
        "--path", path, "--jobs", "200", "--concurrency", "4", "--samples", "5", "--warm-up", "0"}), vertx);

    JsonObject drain = bench.run("drain").get(0);
    JsonObject latency = bench.run("latency").get(0);

    assertEquals("stagecoach-memory-" + path, drain.getString("system"));
    assertEquals("drain", drain.getString("workload"));
    assertEquals(200, drain.getInteger("n"));
    assertEquals(4, drain.getInteger("concurrency"));
    assertTrue(drain.getDouble("seconds") > 0);
    assertTrue(drain.getLong("jobs_per_s") > 0 && drain.getLong("enqueue_per_s") > 0, drain.encode());
    assertEquals("latency", latency.getString("workload"));
    assertEquals(5, latency.getInteger("m"));
    assertTrue(latency.getDouble("p50_ms") > 0 && latency.getDouble("p99_ms") >= latency.getDouble("p50_ms"),
        latency.encode());
  }

  @DisplayName("bad options are refused with the reason")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"--store mysql", "--jobs 0", "--path grpc", "--workload soak", "--frobnicate 1", "--warm-up -1"})
  void badOptions(String args) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchOptions.parse(args.split(" ")));
    assertTrue(List.of(args.split(" ")).stream().anyMatch(a -> e.getMessage().contains(a)), e.getMessage());
  }
}
