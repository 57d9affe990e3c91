package io.stagecoach.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.job.Backoff;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StagecoachConfigTest {

  @Test
  @DisplayName("an empty config is the embedded engine with every documented default")
  void defaults() {
    StagecoachConfig config = StagecoachConfig.defaults();

    assertEquals(new HttpConfig(HttpConfig.DEFAULT_HOST, HttpConfig.DEFAULT_PORT, HttpConfig.DEFAULT_MAX_BODY_BYTES),
        config.http());
    assertEquals("127.0.0.1", config.http().host());
    assertEquals(8080, config.http().port());
    assertEquals(new StoreConfig(StoreConfig.MEMORY, null, StoreConfig.DEFAULT_LOG_CAP, StoreConfig.DEFAULT_RETENTION,
        StoreConfig.DEFAULT_MAX_FINISHED_JOBS),
        config.store());
    assertEquals(new LockConfig(LockConfig.LOCAL, null, LockConfig.DEFAULT_TTL, LockConfig.DEFAULT_TTL), config.locks());
    assertEquals(new RunnerConfig(RunnerConfig.DEFAULT_CONCURRENCY, RunnerConfig.DEFAULT_LEASE_TTL,
        RunnerConfig.DEFAULT_POLL_INTERVAL, RunnerConfig.DEFAULT_PROGRESS_INTERVAL,
        new Backoff(RunnerConfig.DEFAULT_BACKOFF_BASE, RunnerConfig.DEFAULT_BACKOFF_MAX),
        RunnerConfig.DEFAULT_LOCK_WAIT_RECHECK, 0, RunnerConfig.DEFAULT_STOP_GRACE), config.runner());
    assertEquals(new JobDefaults(JobDefaults.DEFAULT_MAX_ATTEMPTS, JobDefaults.DEFAULT_TIMEOUT), config.jobs());
    assertTrue(config.demoTypes());
  }

  @Test
  @DisplayName("empty sections mean their defaults, and given values replace them")
  void valuesReplaceDefaults() {
    StagecoachConfig config = StagecoachConfig.fromJson(new JsonObject()
        .put("http", new JsonObject().put("host", "0.0.0.0").put("port", 0))
        .put("store", new JsonObject())
        .put("locks", new JsonObject().put("ttlMs", 5_000))
        .put("runner", new JsonObject().put("concurrency", 4).put("backoffBaseMs", 20).put("backoffMaxMs", 100))
        .put("jobs", new JsonObject().put("maxAttempts", 7).put("timeoutMs", 1_500))
        .put("demoTypes", false));

    assertEquals(new HttpConfig("0.0.0.0", 0, HttpConfig.DEFAULT_MAX_BODY_BYTES), config.http());
    assertEquals(StagecoachConfig.defaults().store(), config.store());
    assertEquals(Duration.ofSeconds(5), config.locks().ttl());
    assertEquals(4, config.runner().concurrency());
    assertEquals(new Backoff(Duration.ofMillis(20), Duration.ofMillis(100)), config.runner().backoff());
    assertEquals(RunnerConfig.DEFAULT_LEASE_TTL, config.runner().leaseTtl());
    assertEquals(new JobDefaults(7, Duration.ofMillis(1_500)), config.jobs());
    assertFalse(config.demoTypes());
  }

  @Test
  @DisplayName("runner.prefetch and the webhook limits are read; an API-only node prefetches nothing")
  void prefetchAndWebhookLimits() {
    StagecoachConfig config = StagecoachConfig.fromJson(new JsonObject()
        .put("runner", new JsonObject().put("concurrency", 8).put("prefetch", 64))
        .put("webhooks", new JsonObject().put("maxPerTenant", 3).put("deliveryRetentionMs", 120_000)));
    assertEquals(64, config.runner().prefetch());
    assertEquals(8, config.runner().withConcurrency(8).withPrefetch(64).concurrency());
    assertEquals(3, config.webhooks().maxPerTenant());
    assertEquals(Duration.ofMinutes(2), config.webhooks().deliveryRetention());
    assertEquals(0, StagecoachConfig.fromJson(new JsonObject()
        .put("runner", new JsonObject().put("concurrency", 0).put("prefetch", 64))).runner().prefetch());
  }

  @Test
  @DisplayName("the HTTP timeouts default to 60 s idle and 30 s to read a request, and are read in milliseconds")
  void httpTimeouts() {
    assertEquals(Duration.ofSeconds(60), StagecoachConfig.defaults().http().idleTimeout());
    assertEquals(Duration.ofSeconds(30), StagecoachConfig.defaults().http().requestReadTimeout());
    HttpConfig http = StagecoachConfig.fromJson(new JsonObject().put("http", new JsonObject()
        .put("idleTimeoutMs", 5_000).put("requestReadTimeoutMs", 2_500))).http();
    assertEquals(Duration.ofSeconds(5), http.idleTimeout());
    assertEquals(Duration.ofMillis(2_500), http.requestReadTimeout());
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"idleTimeoutMs, 0", "idleTimeoutMs, 99", "idleTimeoutMs, 3600001", "requestReadTimeoutMs, -1",
      "requestReadTimeoutMs, 86400000", "requestReadTimeoutMs, soon"})
  @DisplayName("an HTTP timeout that would turn the timeout off, or hold a connection past an hour, stops the start")
  void httpTimeoutsAreBounded(String key, String value) {
    ConfigException e = assertThrows(ConfigException.class, () -> StagecoachConfig.fromJson(new JsonObject()
        .put("http", new JsonObject().put(key, value.matches("-?\\d+") ? (Object) Long.parseLong(value) : value))));
    assertTrue(e.getMessage().contains("http." + key), e.getMessage());
  }

  @Test
  @DisplayName("an unknown key at the root is rejected with a message naming it")
  void unknownRootKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StagecoachConfig.fromJson(new JsonObject().put("htpp", new JsonObject())));
    assertTrue(e.getMessage().contains("'htpp'"), e.getMessage());
    assertTrue(e.getMessage().contains("http"), "it lists the known keys: " + e.getMessage());
  }

  @Test
  @DisplayName("an unknown key inside a section is rejected with a message naming its full path")
  void unknownSectionKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StagecoachConfig.fromJson(new JsonObject().put("runner", new JsonObject().put("leaseTtl", 5000))));
    assertTrue(e.getMessage().contains("'runner.leaseTtl'"), e.getMessage());
    assertTrue(e.getMessage().contains("leaseTtlMs"), "it lists the known keys: " + e.getMessage());
  }

  @ParameterizedTest(name = "{0} = {1} is refused")
  @DisplayName("values of the wrong kind or out of range are refused with a message naming the key")
  @CsvSource(delimiter = '|', textBlock = """
      http.port               | 70000
      http.port               | -1
      http.port               | "eighty"
      http.port               | 80.5
      http.port               | true
      http.host               | ""
      http.host               | 42
      http.maxBodyBytes       | 10
      store.logCap            | 0
      store.kind              | "postgres"
      store.kind              | "mysql"
      store.retentionMs       | 5
      store.maxFinishedJobs   | 0
      locks.backend           | "redis"
      locks.backend           | "etcd"
      locks.ttlMs             | 50
      locks.pauseAfterDataLossMs | -1
      runner.concurrency      | -1
      runner.leaseTtlMs       | 99
      runner.pollIntervalMs   | "soon"
      runner.backoffBaseMs    | 0
      jobs.maxAttempts        | 101
      jobs.timeoutMs          | 0
      runner.prefetch         | -1
      webhooks.maxPerTenant   | 0
      webhooks.deliveryRetentionMs | 1000
      """)
  void badValues(String key, String jsonValue) {
    String[] path = key.split("\\.");
    JsonObject json = new JsonObject("{\"" + path[0] + "\": {\"" + path[1] + "\": " + jsonValue + "}}");

    ConfigException e = assertThrows(ConfigException.class, () -> StagecoachConfig.fromJson(json));
    assertTrue(e.getMessage().contains(key), "the message names " + key + ": " + e.getMessage());
  }

  @Test
  @DisplayName("a port out of range is refused with the range and the value given")
  void portOutOfRangeMessage() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StagecoachConfig.fromJson(new JsonObject().put("http", new JsonObject().put("port", 70000))));
    assertEquals("http.port must be between 0 and 65535, not 70000", e.getMessage());
  }

  @Test
  @DisplayName("a section that is not an object is refused")
  void sectionNotAnObject() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StagecoachConfig.fromJson(new JsonObject().put("http", 8080)));
    assertTrue(e.getMessage().contains("http must be an object"), e.getMessage());
  }

  @Test
  @DisplayName("numbers and booleans may come as strings, as environment variables give them")
  void stringsFromTheEnvironment() {
    StagecoachConfig config = StagecoachConfig.fromJson(new JsonObject()
        .put("http", new JsonObject().put("port", "9090"))
        .put("demoTypes", "false"));

    assertEquals(9090, config.http().port());
    assertFalse(config.demoTypes());
  }

  @Test
  @DisplayName("demoTypes must be true or false")
  void demoTypesMustBeBoolean() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StagecoachConfig.fromJson(new JsonObject().put("demoTypes", "yes")));
    assertTrue(e.getMessage().contains("demoTypes"), e.getMessage());
  }
}
