package io.stagecoach.webhook.pg;

import io.stagecoach.testing.PgTestSchema;
import io.stagecoach.webhook.WebhookStore;
import io.stagecoach.webhook.WebhookStoreContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;

/** The webhook store contract against a real PostgreSQL, in a schema of this class's own, emptied before each test. */
class PgWebhookStoreTest extends WebhookStoreContract {
  private static final PgTestSchema.PerClass SCHEMA = new PgTestSchema.PerClass();

  @AfterAll
  static void dropSchema(Vertx vertx, VertxTestContext test) {
    SCHEMA.drop(vertx).onComplete(test.succeedingThenComplete());
  }

  @Override
  protected Future<WebhookStore> newStore(Vertx vertx, Clock clock) {
    return SCHEMA.get(vertx).compose(schema -> PgWebhookStore.create(vertx, schema.uri(), clock)
        .compose(store -> schema.sql("TRUNCATE stagecoach_webhooks CASCADE", vertx).map((WebhookStore) store)));
  }
}
