-- The outbox of the hand-off queue gets a table of its own: one row per accepted (or retried) message that is not
-- on the queue yet, written with the message and deleted once the message is on the queue. The hand-off no longer
-- rewrites the message row and moves it in an index of its own on every message; the table stays as small as the
-- hand-off's backlog. A dead letter's retry writes a row too, so a retried message that did not reach the queue
-- is handed off by the outbox route as well.
-- Rolling upgrade: an instance of the previous version still running fails to mark its hand-offs and to sweep (the
-- columns are gone) but hands off what it accepts; only a message it accepted and could not hand off before it
-- stopped is left to an operator (status QUEUED, no outbox row).
create table message_outbox (
    message_id  varchar(36) primary key references message (id) on delete cascade,
    created_at  timestamp with time zone not null,
    claimed_at  timestamp with time zone
);
insert into message_outbox (message_id, created_at, claimed_at)
    select id, created_at, handoff_claimed_at from message where handed_off_at is null;
drop index ix_message_outbox;
alter table message drop column handed_off_at;
alter table message drop column handoff_claimed_at;
