-- The message table is the outbox of the hand-off queue: a row is committed first, then put on the queue and
-- marked handed off. A row the process could not hand off (a crash between the two) is found and handed off by the
-- outbox route.
alter table message add column handed_off_at timestamp with time zone;
alter table message add column handoff_claimed_at timestamp with time zone;
update message set handed_off_at = created_at;
create index ix_message_outbox on message (handed_off_at, created_at);
