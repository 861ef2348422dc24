-- A message held back by its tenant's sending limits says why and until when (shown by the status API); the
-- next attempt clears it.
alter table message add column waiting_reason varchar(20);
alter table message add column waiting_until timestamp with time zone;
