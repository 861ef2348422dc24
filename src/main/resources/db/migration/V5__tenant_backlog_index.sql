-- The hand-off priority looks at a tenant's backlog (its unfinished messages) on every accepted message.
create index ix_message_tenant_status on message (tenant_id, status);
