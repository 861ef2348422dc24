-- The request (recipients, subject, bodies, attachments) is written once and read when sending; the message row
-- is updated several times per delivery (handed off, sending, sent). Keeping the large request out of the row makes
-- each of those updates rewrite a small row instead of the whole request.
create table message_body (
    message_id    varchar(36) primary key references message (id) on delete cascade,
    request_json  text        not null
);
insert into message_body (message_id, request_json) select id, request_json from message;
alter table message drop column request_json;
