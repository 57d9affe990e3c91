package io.stagecoach.webhook.pg;

import io.stagecoach.bus.Event;
import io.stagecoach.store.pg.PgJobStore;
import io.stagecoach.testing.PgTestSchema;
import io.stagecoach.webhook.WebhookStore;
import io.stagecoach.webhook.WebhookStoreContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The webhook store contract against a real PostgreSQL, in a schema of this class's own, emptied
 * before each test; the outbox is filled by a {@link PgJobStore} on the same schema.
 */
class PgWebhookStoreTest extends WebhookStoreContract {
  @RegisterExtension
  static final PgTestSchema.PerClass SCHEMA = new PgTestSchema.PerClass();

  @Override
  protected Future<WebhookStore> newStore(Vertx vertx, Clock clock) {
    return SCHEMA.get(vertx).compose(schema -> PgWebhookStore.create(vertx, schema.uri(), clock)
        .compose(store -> schema.sql("TRUNCATE stagecoach_webhooks, stagecoach_outbox CASCADE", vertx)
            .map((WebhookStore) store)));
  }

  @Override
  protected Future<Void> announce(Vertx vertx, List<Event> events) {
    return SCHEMA.get(vertx).compose(schema -> PgJobStore.create(vertx, schema.uri(), Clock.systemUTC(), 100)
        .compose(jobs -> jobs.announce(events).eventually(jobs::close)));
  }
}
