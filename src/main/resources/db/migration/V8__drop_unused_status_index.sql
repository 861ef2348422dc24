-- No query looks messages up by status alone (the backlog and daily counts use ix_message_tenant_status), and every
-- status change had to move the message in this index too.
drop index ix_message_status;
