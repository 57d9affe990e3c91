-- Retention of alerts and audit entries (alerts.retentionMs): OpsVerticle deletes the oldest in
-- batches, walking these indexes from their old end.
CREATE INDEX stagecoach_alerts_raised_at ON stagecoach_alerts (raised_at);
CREATE INDEX stagecoach_audit_at ON stagecoach_audit (at);
