-- The daily sending limit counts a tenant's messages SENT in the last 24 hours. Through ix_message_tenant_status
-- that read every message the tenant ever sent; with this index it reads only the last day's.
create index ix_message_tenant_sent on message (tenant_id, sent_at);
