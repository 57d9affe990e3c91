-- Delivery retention (SPEC §7): the webhook dispatcher deletes finished deliveries, oldest first,
-- once they are older than webhooks.deliveryRetentionMs. Applied once by io.stagecoach.store.pg.Migrator.

CREATE INDEX stagecoach_webhook_deliveries_finished ON stagecoach_webhook_deliveries (finished_at)
  WHERE status <> 'pending';
