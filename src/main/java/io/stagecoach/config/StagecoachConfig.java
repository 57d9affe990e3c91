package io.stagecoach.config;

import io.vertx.core.json.JsonObject;

/**
 * The whole configuration, parsed and validated before anything deploys.
 *
 * @param demoTypes whether the demo job types ({@code demo.*}) are registered; defaults to true
 * @param auth how REST callers are authenticated; defaults to development auth (see {@link AuthConfig})
 * @param webhooks the webhook dispatcher (see {@link WebhookConfig})
 * @param alerts when alerts are raised (see {@link AlertConfig})
 */
public record StagecoachConfig(HttpConfig http, StoreConfig store, LockConfig locks,
    RunnerConfig runner, JobDefaults jobs, boolean demoTypes, AuthConfig auth, WebhookConfig webhooks,
    AlertConfig alerts) {

  /** Parses the merged config JSON; an unknown key or a bad value is a {@link ConfigException}. */
  public static StagecoachConfig fromJson(JsonObject json) {
    Section root = new Section("", json);
    StagecoachConfig config = new StagecoachConfig(
        read(root.section("http"), HttpConfig::read),
        read(root.section("store"), StoreConfig::read),
        read(root.section("locks"), LockConfig::read),
        read(root.section("runner"), RunnerConfig::read),
        read(root.section("jobs"), JobDefaults::read),
        root.bool("demoTypes", true),
        read(root.section("auth"), AuthConfig::read),
        read(root.section("webhooks"), WebhookConfig::read),
        read(root.section("alerts"), AlertConfig::read));
    root.rejectUnknownKeys();
    return config;
  }

  /** The same configuration with another runner section. */
  public StagecoachConfig withRunner(RunnerConfig otherRunner) {
    return new StagecoachConfig(http, store, locks, otherRunner, jobs, demoTypes, auth, webhooks, alerts);
  }

  /** All defaults: the embedded engine. */
  public static StagecoachConfig defaults() {
    return fromJson(new JsonObject());
  }

  private static <T> T read(Section section, java.util.function.Function<Section, T> reader) {
    T value = reader.apply(section);
    section.rejectUnknownKeys();
    return value;
  }
}
